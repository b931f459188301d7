// AVR instruction sequences for walking unrolled decision trees on int8 inputs, one asm statement
// per node. clang-16's branch relaxation allows AVR conditional branches only half their real
// reach (+-64 bytes instead of +-64 words) and its block placement scatters a tree's nodes, so
// most decisions of a compiled tree became `brlt .+2; rjmp far` (a cycle and two bytes more than
// a plain branch). Here the caller lays each tree out in preorder and picks the short or the long
// form per node from the exact byte distance (ctml/trees/walk_avr.hpp), so the assembler never
// relaxes anything: a distance it cannot encode is an assembly error, not a silent miscompile.
//
// Registers: the input pointer in Z (read with ldd, so features 0..63), r18 as scratch, and tree
// k's leaf code in register Reg (r22..r25: the bytes of the function's return value). Labels are
// GNU numeric local labels: 0 ends a tree, 1 is a node's own skip label, 2 + d starts the right
// child of a node at depth d (the next one forward is always the right one, since a left subtree
// defines only deeper labels).
//
// The functions using these contain nothing but these statements between the pointer copy into Z
// and the return: a branch skips only asm, never code the compiler placed (a code or pointer move
// scheduled between two statements would be skipped on some paths).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace ctml::platform::avr {

#if defined(__AVR__)
// x[F] <= T goes left (falls through); otherwise to the right child, label 2 + Depth. Threshold
// PlusOne is T + 1 as a byte: x <= T is x < T + 1 (signed), so `brge` goes right. AfterTree puts
// the end label of the previous tree first.
template <unsigned F, unsigned ThresholdPlusOne, unsigned Label, bool AfterTree>
[[gnu::always_inline]] inline void split_short(const void* z) noexcept {
  if constexpr (AfterTree)
    asm volatile("0:\n\tldd r18, Z+%0\n\tcpi r18, %1\n\tbrge %2f" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label), "z"(z)
                 : "r18", "memory");
  else
    asm volatile("ldd r18, Z+%0\n\tcpi r18, %1\n\tbrge %2f" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label), "z"(z)
                 : "r18", "memory");
}
// The same when the right child is more than 63 words away: a branch over an rjmp (+-2 K words).
template <unsigned F, unsigned ThresholdPlusOne, unsigned Label, bool AfterTree>
[[gnu::always_inline]] inline void split_long(const void* z) noexcept {
  if constexpr (AfterTree)
    asm volatile("0:\n\tldd r18, Z+%0\n\tcpi r18, %1\n\tbrlt 1f\n\trjmp %2f\n1:" ::"I"(F), "M"(ThresholdPlusOne),
                 "n"(Label), "z"(z)
                 : "r18", "memory");
  else
    asm volatile("ldd r18, Z+%0\n\tcpi r18, %1\n\tbrlt 1f\n\trjmp %2f\n1:" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label),
                 "z"(z)
                 : "r18", "memory");
}
// A leaf: its code into register Reg, then to the end of the tree (the tree's last leaf in the
// layout falls through). Reg is one of r22..r25, declared as written by the group's last statement.
template <unsigned Code, unsigned Reg, bool Last, bool AfterTree>
[[gnu::always_inline]] inline void leaf(const void* z) noexcept {
  static_assert(Reg >= 22 && Reg <= 25, "ctml: tree codes go to r22..r25");
  if constexpr (AfterTree && Last) asm volatile("0:\n\tldi r%1, %0" ::"M"(Code), "n"(Reg), "z"(z) : "memory");
  else if constexpr (AfterTree) asm volatile("0:\n\tldi r%1, %0\n\trjmp 0f" ::"M"(Code), "n"(Reg), "z"(z) : "memory");
  else if constexpr (Last) asm volatile("ldi r%1, %0" ::"M"(Code), "n"(Reg), "z"(z) : "memory");
  else asm volatile("ldi r%1, %0\n\trjmp 0f" ::"M"(Code), "n"(Reg), "z"(z) : "memory");
}
template <unsigned Label>
[[gnu::always_inline]] inline void label() noexcept {
  asm volatile("%0:" ::"n"(Label));
}
// The end of the last tree; the codes of 1, 2 or 4 trees as the function's return value (r24;
// r24:r25; r22..r25), an array of bytes: the same registers as a uint16/uint32, but clang-16
// builds a uint32 from bytes with about 20 needless moves and cannot bind one to a register.
[[gnu::always_inline]] inline std::array<std::uint8_t, 1> codes_1() noexcept {
  register std::uint8_t c0 asm("r24");
  asm volatile("0:" : "=r"(c0));
  return {c0};
}
[[gnu::always_inline]] inline std::array<std::uint8_t, 2> codes_2() noexcept {
  register std::uint8_t c0 asm("r24");
  register std::uint8_t c1 asm("r25");
  asm volatile("0:" : "=r"(c0), "=r"(c1));
  return {c0, c1};
}
[[gnu::always_inline]] inline std::array<std::uint8_t, 4> codes_4() noexcept {
  register std::uint8_t c0 asm("r22");
  register std::uint8_t c1 asm("r23");
  register std::uint8_t c2 asm("r24");
  register std::uint8_t c3 asm("r25");
  asm volatile("0:" : "=r"(c0), "=r"(c1), "=r"(c2), "=r"(c3));
  return {c0, c1, c2, c3};
}
#endif

// Instruction bytes of the sequences above (the layout computes branch distances from them).
inline constexpr std::size_t split_short_bytes = 6, split_long_bytes = 8, leaf_bytes = 4, leaf_last_bytes = 2;
// The farthest forward target of a conditional branch, in bytes after it (63 words), and of an rjmp.
inline constexpr std::size_t branch_reach = 126, rjmp_reach = 4094;

}  // namespace ctml::platform::avr
