// AVR instruction sequences for walking an unrolled decision tree on int8 inputs, one asm
// statement per node. clang-16's branch relaxation allows AVR conditional branches only half
// their real reach (+-64 bytes instead of +-64 words) and its block placement scatters a tree's
// nodes, so most decisions of a compiled tree became `brlt .+2; rjmp far` (one cycle and two
// bytes more than a plain branch). Here the caller lays the tree out in preorder and picks the
// short or the long form per node from the exact byte distance (ctml/trees/walk_avr.hpp), so the
// assembler never has to relax anything: a distance it cannot encode is an assembly error, not
// a silent miscompile.
//
// Register use: the input pointer in Z (read with ldd, so features 0..63), the leaf code in r24.
// Labels are GNU numeric local labels: 0 ends the tree, 1 is a node's own skip label, 2 + d
// starts the right child of a node at depth d (the next one forward is always the right one,
// since a left subtree defines only deeper labels).
#pragma once
#include <cstddef>
#include <cstdint>

namespace ctml::platform::avr {

#if defined(__AVR__)
// x[F] <= T goes left (falls through); otherwise to the right child, label 2 + Depth.
// ThresholdPlusOne is T + 1 as a byte: x <= T is x < T + 1 (signed), so `brge` goes right.
template <unsigned F, unsigned ThresholdPlusOne, unsigned Label>
[[gnu::always_inline]] inline void split_short(const void* z) noexcept {
  asm volatile("ldd r24, Z+%0\n\tcpi r24, %1\n\tbrge %2f" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label), "z"(z)
               : "r24", "memory");
}
// The same when the right child is more than 63 words away: a branch over an rjmp (+-2 K words).
template <unsigned F, unsigned ThresholdPlusOne, unsigned Label>
[[gnu::always_inline]] inline void split_long(const void* z) noexcept {
  asm volatile("ldd r24, Z+%0\n\tcpi r24, %1\n\tbrlt 1f\n\trjmp %2f\n1:" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label),
               "z"(z)
               : "r24", "memory");
}
// A leaf: its code in r24, then to the end of the tree (the last leaf in the layout falls through).
template <unsigned Code, bool Last>
[[gnu::always_inline]] inline void leaf(const void* z) noexcept {
  if constexpr (Last) asm volatile("ldi r24, %0" ::"M"(Code), "z"(z) : "r24");
  else asm volatile("ldi r24, %0\n\trjmp 0f" ::"M"(Code), "z"(z) : "r24");
}
template <unsigned Label>
[[gnu::always_inline]] inline void label() noexcept {
  asm volatile("%0:" ::"n"(Label));
}
// The end of the tree: the leaf code every path left in r24.
[[gnu::always_inline]] inline std::uint8_t result() noexcept {
  register std::uint8_t code asm("r24");
  asm volatile("0:" : "=r"(code));
  return code;
}
#endif

// Instruction bytes of the sequences above (the layout computes branch distances from them).
inline constexpr std::size_t split_short_bytes = 6, split_long_bytes = 8, leaf_bytes = 4, leaf_last_bytes = 2;
// The farthest forward target of a conditional branch, in bytes after it (63 words), and of an rjmp.
inline constexpr std::size_t branch_reach = 126, rjmp_reach = 4094;

}  // namespace ctml::platform::avr
