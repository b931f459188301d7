// AVR instruction sequences for walking unrolled decision trees on int8 inputs, one asm statement
// per node. clang-16's branch relaxation allows AVR conditional branches only half their real
// reach (+-64 bytes instead of +-64 words) and its block placement scatters a tree's nodes, so
// most decisions of a compiled tree became `brlt .+2; rjmp far` (a cycle and two bytes more than
// a plain branch). Here the caller lays each tree out in preorder and picks the short or the long
// form per node from the exact byte distance (ctml/trees/walk_avr.hpp), so the assembler never
// relaxes anything: a distance it cannot encode is an assembly error, not a silent miscompile.
//
// Registers: the input pointer in Z (read with ldd, so features 0..63), r26 as scratch, and a
// tree's leaf code (and optionally a second leaf byte) in registers of r18..r25: the bytes of the
// function's return value. Labels are
// GNU numeric local labels: 0 ends a tree, 1 is a node's own skip label, 2 + d starts the child
// laid out second of a node at depth d (the next one forward is always that one, since the first
// child's subtree defines only deeper labels).
//
// The functions using these contain nothing but these statements between the pointer copy into Z
// and the return: a branch skips only asm, never code the compiler placed (a code or pointer move
// scheduled between two statements would be skipped on some paths). Every statement declares
// r18..r26 clobbered, so the compiler keeps nothing of its own there while leaves fill them; the
// last statement then declares the leaf bytes as its outputs.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace ctml::platform::avr {

#if defined(__AVR__)
// x[F] <= T goes left. The branch jumps to the child laid out second (label 2 + Depth); the
// other falls through: the left one normally, the right one when LeftSecond (the right child drew
// more training weight). ThresholdPlusOne is T + 1 as a byte: x <= T is x < T + 1 (signed), so
// `brge` goes right and `brlt` left. AfterTree puts the end label of the previous tree first.
template <unsigned F, unsigned ThresholdPlusOne, unsigned Label, bool AfterTree, bool LeftSecond>
[[gnu::always_inline]] inline void split_short(const void* z) noexcept {
  if constexpr (AfterTree && LeftSecond)
    asm volatile("0:\n\tldd r26, Z+%0\n\tcpi r26, %1\n\tbrlt %2f" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label), "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else if constexpr (AfterTree)
    asm volatile("0:\n\tldd r26, Z+%0\n\tcpi r26, %1\n\tbrge %2f" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label), "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else if constexpr (LeftSecond)
    asm volatile("ldd r26, Z+%0\n\tcpi r26, %1\n\tbrlt %2f" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label), "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else
    asm volatile("ldd r26, Z+%0\n\tcpi r26, %1\n\tbrge %2f" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label), "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
}
// The same when the second child is more than 63 words away: a branch over an rjmp (+-2 K words).
template <unsigned F, unsigned ThresholdPlusOne, unsigned Label, bool AfterTree, bool LeftSecond>
[[gnu::always_inline]] inline void split_long(const void* z) noexcept {
  if constexpr (AfterTree && LeftSecond)
    asm volatile("0:\n\tldd r26, Z+%0\n\tcpi r26, %1\n\tbrge 1f\n\trjmp %2f\n1:" ::"I"(F), "M"(ThresholdPlusOne),
                 "n"(Label), "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else if constexpr (AfterTree)
    asm volatile("0:\n\tldd r26, Z+%0\n\tcpi r26, %1\n\tbrlt 1f\n\trjmp %2f\n1:" ::"I"(F), "M"(ThresholdPlusOne),
                 "n"(Label), "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else if constexpr (LeftSecond)
    asm volatile("ldd r26, Z+%0\n\tcpi r26, %1\n\tbrge 1f\n\trjmp %2f\n1:" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label),
                 "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else
    asm volatile("ldd r26, Z+%0\n\tcpi r26, %1\n\tbrlt 1f\n\trjmp %2f\n1:" ::"I"(F), "M"(ThresholdPlusOne), "n"(Label),
                 "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
}
// A leaf: its code into register Reg, then to the end of the tree (the tree's last leaf in the
// layout falls through). Reg is one of r18..r25, declared as written by the group's last statement.
template <unsigned Code, unsigned Reg, bool Last, bool AfterTree>
[[gnu::always_inline]] inline void leaf(const void* z) noexcept {
  static_assert(Reg >= 18 && Reg <= 25, "ctml: tree codes go to r18..r25");
  if constexpr (AfterTree && Last) asm volatile("0:\n\tldi r%1, %0" ::"M"(Code), "n"(Reg), "z"(z) : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else if constexpr (AfterTree) asm volatile("0:\n\tldi r%1, %0\n\trjmp 0f" ::"M"(Code), "n"(Reg), "z"(z) : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else if constexpr (Last) asm volatile("ldi r%1, %0" ::"M"(Code), "n"(Reg), "z"(z) : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else asm volatile("ldi r%1, %0\n\trjmp 0f" ::"M"(Code), "n"(Reg), "z"(z) : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
}
// A leaf with a second byte (a leaf's votes for the other classes) into register Reg2.
template <unsigned Code, unsigned Reg, unsigned Byte2, unsigned Reg2, bool Last, bool AfterTree>
[[gnu::always_inline]] inline void leaf2(const void* z) noexcept {
  static_assert(Reg >= 18 && Reg <= 25 && Reg2 >= 18 && Reg2 <= 25, "ctml: tree codes go to r18..r25");
  if constexpr (AfterTree && Last)
    asm volatile("0:\n\tldi r%1, %0\n\tldi r%3, %2" ::"M"(Code), "n"(Reg), "M"(Byte2), "n"(Reg2), "z"(z) : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else if constexpr (AfterTree)
    asm volatile("0:\n\tldi r%1, %0\n\tldi r%3, %2\n\trjmp 0f" ::"M"(Code), "n"(Reg), "M"(Byte2), "n"(Reg2), "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else if constexpr (Last)
    asm volatile("ldi r%1, %0\n\tldi r%3, %2" ::"M"(Code), "n"(Reg), "M"(Byte2), "n"(Reg2), "z"(z) : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else
    asm volatile("ldi r%1, %0\n\tldi r%3, %2\n\trjmp 0f" ::"M"(Code), "n"(Reg), "M"(Byte2), "n"(Reg2), "z"(z)
                 : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
}
// A tree's first statement when its leaves mostly leave the second byte 0: clear it once.
template <unsigned Reg2, bool AfterTree>
[[gnu::always_inline]] inline void clear(const void* z) noexcept {
  if constexpr (AfterTree) asm volatile("0:\n\tclr r%0" ::"n"(Reg2), "z"(z) : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
  else asm volatile("clr r%0" ::"n"(Reg2), "z"(z) : "r18", "r19", "r20", "r21", "r22", "r23", "r24", "r25", "r26", "memory");
}
template <unsigned Label>
[[gnu::always_inline]] inline void label() noexcept {
  asm volatile("%0:" ::"n"(Label));
}
// The end of the last tree: the N bytes of r(26 - N)..r25 as the function's return value, an
// array of bytes (returned in those very registers; clang-16 builds a uint32 from bytes with about
// 20 needless moves, and cannot bind one to a register variable).
template <std::size_t N>
[[gnu::always_inline]] inline std::array<std::uint8_t, N> results() noexcept {
  static_assert(N == 1 || N == 2 || N == 4 || N == 8, "ctml: 1, 2, 4 or 8 result bytes");
  register std::uint8_t r18 asm("r18");
  register std::uint8_t r19 asm("r19");
  register std::uint8_t r20 asm("r20");
  register std::uint8_t r21 asm("r21");
  register std::uint8_t r22 asm("r22");
  register std::uint8_t r23 asm("r23");
  register std::uint8_t r24 asm("r24");
  register std::uint8_t r25 asm("r25");
  if constexpr (N == 1) {
    asm volatile("0:" : "=r"(r24));
    return {r24};
  } else if constexpr (N == 2) {
    asm volatile("0:" : "=r"(r24), "=r"(r25));
    return {r24, r25};
  } else if constexpr (N == 4) {
    asm volatile("0:" : "=r"(r22), "=r"(r23), "=r"(r24), "=r"(r25));
    return {r22, r23, r24, r25};
  } else {
    asm volatile("0:" : "=r"(r18), "=r"(r19), "=r"(r20), "=r"(r21), "=r"(r22), "=r"(r23), "=r"(r24), "=r"(r25));
    return {r18, r19, r20, r21, r22, r23, r24, r25};
  }
}
#endif

// Instruction bytes of the sequences above (the layout computes branch distances from them).
inline constexpr std::size_t split_short_bytes = 6, split_long_bytes = 8, leaf_bytes = 4, leaf_last_bytes = 2;
inline constexpr std::size_t leaf2_extra_bytes = 2, clear_bytes = 2;
// The farthest forward target of a conditional branch, in bytes after it (63 words), and of an rjmp.
inline constexpr std::size_t branch_reach = 126, rjmp_reach = 4094;

}  // namespace ctml::platform::avr
