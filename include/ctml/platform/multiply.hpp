// Widening 16 x 16 -> 32-bit multiplies, signed (linear kernels) and unsigned (kernel machines'
// fixed-point math). On AVR, clang lowers them to a call of __mulsi3 (a 32 x 32-bit multiply, about
// 70 cycles with the argument moves); the hardware multiplier does them in 14-16 instructions
// (Atmel application note AVR201, "Using the AVR hardware multiplier": mul/muls/mulsu partial
// products with sign correction). Elsewhere, and in constant expressions, the plain product.
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

// Unsigned 16 x 16 -> 32.

#if defined(__AVR__) && defined(__AVR_HAVE_MUL__)
namespace detail {
[[gnu::always_inline]] inline std::uint32_t mul_u16_avr(std::uint16_t a, std::uint16_t b) noexcept {
  {
    std::uint16_t lo, hi;  // clang's AVR backend allocates at most 16-bit asm operands
    // a0*b0 + (a0*b1 + a1*b0) << 8 + a1*b1 << 16; r1 is avr-gcc's and clang's zero register.
    asm("mul %A2, %A3\n\t"
        "movw %A0, r0\n\t"
        "mul %B2, %B3\n\t"
        "movw %A1, r0\n\t"
        "mul %A2, %B3\n\t"
        "add %B0, r0\n\t"
        "adc %A1, r1\n\t"
        "clr r1\n\t"
        "adc %B1, r1\n\t"
        "mul %B2, %A3\n\t"
        "add %B0, r0\n\t"
        "adc %A1, r1\n\t"
        "clr r1\n\t"
        "adc %B1, r1"
        : "=&r"(lo), "=&r"(hi)
        : "r"(a), "r"(b)
        : "r0");
    return static_cast<std::uint32_t>(hi) << 16 | lo;
  }
}
}  // namespace detail
#endif

constexpr std::uint32_t mul_u16(std::uint16_t a, std::uint16_t b) noexcept {
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__)
  if (!std::is_constant_evaluated()) return detail::mul_u16_avr(a, b);
#endif
  return static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b);
}

#if defined(__AVR__) && defined(__AVR_HAVE_MUL__)
namespace detail {
[[gnu::noinline]] inline std::uint32_t mul_u16_call(std::uint16_t a, std::uint16_t b) noexcept { return mul_u16_avr(a, b); }
}  // namespace detail
#endif

// The same product as a call on AVR: for code repeated per feature in unrolled models, where 14
// inlined instructions per term cost more flash than the call saves cycles.
constexpr std::uint32_t mul_u16_small(std::uint16_t a, std::uint16_t b) noexcept {
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__)
  if (!std::is_constant_evaluated()) return detail::mul_u16_call(a, b);
#endif
  return static_cast<std::uint32_t>(a) * static_cast<std::uint32_t>(b);
}

}  // namespace ctml::platform
