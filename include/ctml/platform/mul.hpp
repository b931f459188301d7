// Widening 16 x 16 -> 32-bit unsigned multiply. On AVR, clang calls libgcc's 32 x 32 __mulsi3
// for many such products (e.g. when one factor is a constant); four hardware `mul`s do it in
// about 20 cycles. Elsewhere (and in constant expressions) it is the plain C++ product.
#pragma once
#include <cstdint>
#include <type_traits>

namespace ctml::platform {

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
