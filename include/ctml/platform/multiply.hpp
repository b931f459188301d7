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

// Unsigned 32 x 32 -> 64 (naive Bayes' d^2 * weight). On AVR clang calls __muldi3, a 64 x 64
// multiply built from __umulhisi3 calls (~400 cycles); here four hardware 16 x 16 products.
constexpr std::uint64_t mul_u32_u64(std::uint32_t a, std::uint32_t b) noexcept {
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__)
  if (!std::is_constant_evaluated()) {
    const auto a0 = static_cast<std::uint16_t>(a), a1 = static_cast<std::uint16_t>(a >> 16);
    const auto b0 = static_cast<std::uint16_t>(b), b1 = static_cast<std::uint16_t>(b >> 16);
    const std::uint64_t mid = static_cast<std::uint64_t>(detail::mul_u16_avr(a0, b1)) + detail::mul_u16_avr(a1, b0);
    return (static_cast<std::uint64_t>(detail::mul_u16_avr(a1, b1)) << 32) + (mid << 16) + detail::mul_u16_avr(a0, b0);
  }
#endif
  return static_cast<std::uint64_t>(a) * b;
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

// TFLite's requantization product (nn/requantize.hpp) from the magnitudes P = |x| * |m|, for e in
// [0, 31]: RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, m), e). The high mul is
// floor((x * m + 2^30) / 2^31) for either sign (gemmlowp's nudge 1 - 2^30 with truncation toward
// zero equals the nudge 2^30 with flooring); the rounding division is
// floor((q + 2^(e-1) - [q < 0]) / 2^e), and the two floors nest. So for x * m >= 0 the result is
// (Q + 2^(e-1)) >> e with Q = (P + 2^30) >> 31, and for x * m < 0 it is minus the same with
// P + 2^30 - 1 in place of P + 2^30 (floor(-k / d) = -ceil(k / d)). Q <= 2^31; the one result past
// int32, INT32_MIN * INT32_MIN with e = 0, saturates as the high mul does. On AVR: clang's code for
// the 64-bit form calls __muldi3 (a 64 x 64-bit multiply from __umulhisi3 calls) and 64-bit shifts;
// here sixteen hardware 8 x 8 products, a one-bit shift to bit 31, whole-byte moves and at most
// four single-bit steps. On Cortex-M the same nesting is done on the signed product instead
// (nn/requantize.hpp, detail::multiply_by_quantized_multiplier_smlal): SMLAL adds the combined
// nudge 2^30 + 2^31 * (2^(e-1) - [negative]) for free, and one arithmetic shift of the high word
// floors, so no magnitudes are needed there.
namespace detail {
constexpr std::int32_t mul_round_shift_portable(std::int32_t x, std::int32_t m, std::uint8_t e) noexcept {
  const bool negative = (x < 0) != (m < 0);
  const std::uint32_t ux = x < 0 ? 0u - static_cast<std::uint32_t>(x) : static_cast<std::uint32_t>(x);
  const std::uint32_t um = m < 0 ? 0u - static_cast<std::uint32_t>(m) : static_cast<std::uint32_t>(m);
  const std::uint64_t q = (static_cast<std::uint64_t>(ux) * um + (std::uint64_t{1} << 30) - (negative ? 1 : 0)) >> 31;
  const auto u = static_cast<std::uint32_t>(e == 0 ? q : (q + (std::uint64_t{1} << (e - 1))) >> e);
  if (negative) return static_cast<std::int32_t>(0u - u);  // u < 2^31 here
  return u > 0x7fffffffu ? 0x7fffffff : static_cast<std::int32_t>(u);
}

#if defined(__AVR__) && defined(__AVR_HAVE_MUL__)
[[gnu::always_inline]] inline std::int32_t mul_round_shift_avr(std::int32_t x, std::int32_t m, std::uint8_t e) noexcept {
  auto xl = static_cast<std::uint16_t>(x), xh = static_cast<std::uint16_t>(static_cast<std::uint32_t>(x) >> 16);
  auto ml = static_cast<std::uint16_t>(m), mh = static_cast<std::uint16_t>(static_cast<std::uint32_t>(m) >> 16);
  std::uint16_t p0, p1, p2, p3;  // product bytes 0-1, 2-3, 4-5, 6-7; the result ends in bytes 4-7
  std::uint8_t zero, sign, t;
  // The four squares x_i*m_i fill the even byte pairs without overlap; each of the twelve cross
  // products x_i*m_j is then added at byte i + j, its carry rippled up to byte 7 (in any order:
  // the sum is the product, below 2^64, whatever the order).
#define CTML_MUL_ADD1(a, b) "mul " a ", " b "\n\tadd %B[p0], r0\n\tadc %A[p1], r1\n\tadc %B[p1], %[z]\n\tadc %A[p2], %[z]\n\tadc %B[p2], %[z]\n\tadc %A[p3], %[z]\n\tadc %B[p3], %[z]\n\t"
#define CTML_MUL_ADD2(a, b) "mul " a ", " b "\n\tadd %A[p1], r0\n\tadc %B[p1], r1\n\tadc %A[p2], %[z]\n\tadc %B[p2], %[z]\n\tadc %A[p3], %[z]\n\tadc %B[p3], %[z]\n\t"
#define CTML_MUL_ADD3(a, b) "mul " a ", " b "\n\tadd %B[p1], r0\n\tadc %A[p2], r1\n\tadc %B[p2], %[z]\n\tadc %A[p3], %[z]\n\tadc %B[p3], %[z]\n\t"
#define CTML_MUL_ADD4(a, b) "mul " a ", " b "\n\tadd %A[p2], r0\n\tadc %B[p2], r1\n\tadc %A[p3], %[z]\n\tadc %B[p3], %[z]\n\t"
#define CTML_MUL_ADD5(a, b) "mul " a ", " b "\n\tadd %B[p2], r0\n\tadc %A[p3], r1\n\tadc %B[p3], %[z]\n\t"
#define CTML_NEGATE(a, b) "com %A" a "\n\tcom %B" a "\n\tcom %A" b "\n\tcom %B" b "\n\tsec\n\tadc %A" a ", %[z]\n\tadc %B" a ", %[z]\n\tadc %A" b ", %[z]\n\tadc %B" b ", %[z]\n\t"
  asm("clr %[z]\n\t"
      "mov %[s], %B[xh]\n\teor %[s], %B[mh]\n\t"  // bit 7: the product is negative
      "sbrs %B[xh], 7\n\trjmp 1f\n\t" CTML_NEGATE("[xl]", "[xh]") "\n1:\n\t"
      "sbrs %B[mh], 7\n\trjmp 2f\n\t" CTML_NEGATE("[ml]", "[mh]") "\n2:\n\t"
      "mul %A[xl], %A[ml]\n\tmovw %A[p0], r0\n\t"
      "mul %B[xl], %B[ml]\n\tmovw %A[p1], r0\n\t"
      // |x| < 2^16 (most accumulators): the eight products of x's bytes 2 and 3 are 0.
      "cp %A[xh], %[z]\n\tcpc %B[xh], %[z]\n\tbrne 11f\n\t"
      "clr %A[p2]\n\tclr %B[p2]\n\tmovw %A[p3], %A[p2]\n\trjmp 12f\n"
      "11:\n\tmul %A[xh], %A[mh]\n\tmovw %A[p2], r0\n\t"
      "mul %B[xh], %B[mh]\n\tmovw %A[p3], r0\n\t"
      CTML_MUL_ADD2("%A[xh]", "%A[ml]") CTML_MUL_ADD3("%B[xh]", "%A[ml]") CTML_MUL_ADD3("%A[xh]", "%B[ml]")
      CTML_MUL_ADD4("%B[xh]", "%B[ml]") CTML_MUL_ADD5("%A[xh]", "%B[mh]") CTML_MUL_ADD5("%B[xh]", "%A[mh]")
      "\n12:\n\t"
      CTML_MUL_ADD1("%A[xl]", "%B[ml]") CTML_MUL_ADD1("%B[xl]", "%A[ml]") CTML_MUL_ADD2("%A[xl]", "%A[mh]")
      CTML_MUL_ADD3("%A[xl]", "%B[mh]") CTML_MUL_ADD3("%B[xl]", "%A[mh]") CTML_MUL_ADD4("%B[xl]", "%B[mh]")
      // + 2^30 - [negative]: bytes 0-2 get 0xff or 0, byte 3 0x3f or 0x40; then Q = bits 31..62, bytes 4-7.
      "mov %[t], %[s]\n\tlsl %[t]\n\tsbc %[t], %[t]\n\tmov %A[xl], %[t]\n\tsubi %[t], 0xc0\n\t"
      "add %A[p0], %A[xl]\n\tadc %B[p0], %A[xl]\n\tadc %A[p1], %A[xl]\n\tadc %B[p1], %[t]\n\t"
      "adc %A[p2], %[z]\n\tadc %B[p2], %[z]\n\tadc %A[p3], %[z]\n\tadc %B[p3], %[z]\n\t"
      "lsl %B[p1]\n\trol %A[p2]\n\trol %B[p2]\n\trol %A[p3]\n\trol %B[p3]\n\t"
      // e > 0: with k = e - 1, whole bytes while k >= 8, then Q >> k by single-bit steps right
      // (k < 5) or left into a fifth byte and one byte right (k >= 5); then (Q + 1) >> 1.
      "subi %[e], 1\n\t"
      "brcs 8f\n\t"
      "cpi %[e], 16\n\tbrlo 3f\n\tmovw %A[p2], %A[p3]\n\tclr %A[p3]\n\tclr %B[p3]\n\tsubi %[e], 16\n"
      "3:\n\tcpi %[e], 8\n\tbrlo 4f\n\tmov %A[p2], %B[p2]\n\tmov %B[p2], %A[p3]\n\tmov %A[p3], %B[p3]\n\tclr %B[p3]\n\tsubi %[e], 8\n"
      "4:\n\tcpi %[e], 5\n\tbrsh 6f\n\trjmp 5f\n"
      "41:\n\tlsr %B[p3]\n\tror %A[p3]\n\tror %B[p2]\n\tror %A[p2]\n"
      "5:\n\tsubi %[e], 1\n\tbrcc 41b\n\trjmp 7f\n"
      "6:\n\tclr %A[xl]\n\tsubi %[e], 8\n"
      "61:\n\tlsl %A[p2]\n\trol %B[p2]\n\trol %A[p3]\n\trol %B[p3]\n\trol %A[xl]\n\tsubi %[e], 0xff\n\tbrne 61b\n\t"
      "mov %A[p2], %B[p2]\n\tmov %B[p2], %A[p3]\n\tmov %A[p3], %B[p3]\n\tmov %B[p3], %A[xl]\n"
      "7:\n\tlsr %B[p3]\n\tror %A[p3]\n\tror %B[p2]\n\tror %A[p2]\n\t"
      "adc %A[p2], %[z]\n\tadc %B[p2], %[z]\n\tadc %A[p3], %[z]\n\tadc %B[p3], %[z]\n"
      // The sign; a positive 2^31 (INT32_MIN * INT32_MIN, e = 0) saturates to 2^31 - 1.
      "8:\n\tsbrs %[s], 7\n\trjmp 9f\n\t" CTML_NEGATE("[p2]", "[p3]") "rjmp 10f\n"
      "9:\n\tsbrs %B[p3], 7\n\trjmp 10f\n\tcom %A[p2]\n\tcom %B[p2]\n\tcom %A[p3]\n\tcom %B[p3]\n"
      "10:\n\tclr r1"
      : [p0] "=&r"(p0), [p1] "=&r"(p1), [p2] "=&r"(p2), [p3] "=&r"(p3), [z] "=&r"(zero), [s] "=&r"(sign),
        [t] "=&d"(t), [e] "+d"(e), [xl] "+r"(xl), [xh] "+r"(xh), [ml] "+r"(ml), [mh] "+r"(mh)
      :
      : "r0");
#undef CTML_MUL_ADD1
#undef CTML_MUL_ADD2
#undef CTML_MUL_ADD3
#undef CTML_MUL_ADD4
#undef CTML_MUL_ADD5
#undef CTML_NEGATE
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(p3) << 16 | p2);
}
#endif
}  // namespace detail

constexpr std::int32_t mul_round_shift(std::int32_t x, std::int32_t m, std::uint8_t e) noexcept {
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__)
  if (!std::is_constant_evaluated()) return detail::mul_round_shift_avr(x, m, e);
#endif
  return detail::mul_round_shift_portable(x, m, e);
}

}  // namespace ctml::platform
