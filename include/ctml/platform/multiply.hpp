// Widening integer multiplies for the linear kernels. On AVR, clang lowers int16 x int16 -> int32
// to a call of __mulsi3 (a 32 x 32-bit multiply, about 70 cycles with the argument moves); the
// hardware multiplier does it in 16 instructions (Atmel application note AVR201, "Using the AVR
// hardware multiplier": muls/mulsu partial products with sign correction). Elsewhere, and in
// constant expressions, the plain product.
#pragma once
#include <cstdint>
#include <type_traits>

namespace ctml::platform {

[[gnu::always_inline]] constexpr std::int32_t mul_s16_s32(std::int16_t a, std::int16_t b) noexcept {
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__)
  if (!std::is_constant_evaluated()) {
    std::uint16_t lo, hi;  // clang's AVR back end allocates at most 16-bit asm operands
    std::uint8_t zero;
    // r = ah*bh << 16 + al*bl, plus the two signed-by-unsigned cross products << 8, each with its
    // sign extended into the top byte through the carry mulsu leaves (AVR201's muls16x16_32).
    asm("clr %[z]\n\t"
        "muls %B[a], %B[b]\n\t"
        "movw %A[hi], r0\n\t"
        "mul %A[a], %A[b]\n\t"
        "movw %A[lo], r0\n\t"
        "mulsu %B[a], %A[b]\n\t"
        "sbc %B[hi], %[z]\n\t"
        "add %B[lo], r0\n\t"
        "adc %A[hi], r1\n\t"
        "adc %B[hi], %[z]\n\t"
        "mulsu %B[b], %A[a]\n\t"
        "sbc %B[hi], %[z]\n\t"
        "add %B[lo], r0\n\t"
        "adc %A[hi], r1\n\t"
        "adc %B[hi], %[z]\n\t"
        "clr r1"
        : [lo] "=&r"(lo), [hi] "=&r"(hi), [z] "=&r"(zero)
        : [a] "a"(a), [b] "a"(b)
        : "r0");
    return static_cast<std::int32_t>((static_cast<std::uint32_t>(hi) << 16) | lo);
  }
#endif
  return static_cast<std::int32_t>(a) * static_cast<std::int32_t>(b);
}

}  // namespace ctml::platform
