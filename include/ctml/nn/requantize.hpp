// TFLite's int8 requantization (gemmlowp fixed point): an int32 accumulator times a real
// multiplier M = m * 2^shift, with m a Q31 value in [0.5, 1), rounded exactly as TFLite rounds
// (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT). codegen/ctml_codegen/nn_reference.py
// is the numpy twin of this file; the two must agree bit for bit.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../platform/multiply.hpp"
#include "../platform/target.hpp"

namespace ctml::nn {

// (a * b * 2) >> 32, rounded to nearest; INT32_MIN * INT32_MIN saturates. As gemmlowp: the
// nudge is 2^30 for a non-negative product and 1 - 2^30 otherwise, then C++'s truncating
// division (so -0.5 becomes 0). This plain form is the specification: constant evaluation and
// the host use it. On AVR it cost ~680 cycles per output with the rounding division
// (__muldi3 from __umulhisi3 calls, 64-bit shifts), a third of the digits CNN; C++ on 32-bit limbs
// was slower still (measured on the digits MLP). There the run time takes
// detail::multiply_by_quantized_multiplier_split, in asm (platform::mul_round_shift): ~190 cycles
// per output, the same int32 for every input; digits CNN 1.436 M -> 1.054 M cycles. On Cortex-M
// (GCC: SMULL, a 64-bit add and shifts, then the division's mask and threshold, ~40 instructions
// per requantize_s8) the run time takes detail::multiply_by_quantized_multiplier_smlal instead.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) noexcept {
  if (a == b && a == std::numeric_limits<std::int32_t>::min()) return std::numeric_limits<std::int32_t>::max();
  const std::int64_t ab = static_cast<std::int64_t>(a) * b;
  const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : (1 - (std::int64_t{1} << 30));
  return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

// x / 2^exponent rounded to nearest, ties away from zero; exponent in [0, 31].
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) noexcept {
  const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);  // (a 64-bit shift: a shorter call on AVR than a 32-bit loop)
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

namespace detail {
// The left shift of multiply_by_quantized_multiplier below, for the split form.
[[gnu::always_inline]] constexpr std::int32_t saturating_left_shift(std::int32_t x, int shift) noexcept {  // shift in [1, 30] (codegen)
  constexpr std::int32_t lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
  return x > (hi >> shift) ? hi : (x < (lo >> shift) ? lo : static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << shift));
}

// The same value as one product of magnitudes (platform::mul_round_shift: on AVR hardware 8 x 8
// products, no 64-bit arithmetic); tests/host/test_nn.cpp and tests/target/requantize_firmware.cpp
// check it against the gemmlowp form.
constexpr std::int32_t multiply_by_quantized_multiplier_split(std::int32_t x, std::int32_t multiplier, int shift) noexcept {
  if (shift > 0) return platform::mul_round_shift(saturating_left_shift(x, shift), multiplier, 0);
  return platform::mul_round_shift(x, multiplier, static_cast<std::uint8_t>(-shift));
}

// The same value from one signed 64-bit multiply-accumulate, for Cortex-M (SMLAL, on the M3 as on
// the M4). With neg = [x * m < 0] and e = -shift >= 1, the two roundings nest into one floor
// (platform::mul_round_shift's algebra, on the signed product): the result is
// floor((x * m + 2^30 + 2^31 * (2^(e-1) - neg)) / 2^(31+e)). The addend is k * 2^30 with
// k = 2^e + 1 - 2 * neg in [1, 2^31 + 1], so SMLAL's accumulator starts at (k >> 2 : k << 30) and
// the result is its high word >> (e - 1); the sum stays below 2^63 in magnitude. For e = 0 it is the
// high mul alone, (x * m + 2^30) >> 31, which saturates for INT32_MIN * INT32_MIN. Plain C++:
// arm-none-eabi-gcc -Os makes the e >= 1 path 12 instructions around one SMLAL, on the M3 too.
// Always inlined, so requantize_s8 and add::apply (constant shifts) each hold their own copy.
[[gnu::always_inline]] constexpr std::int32_t multiply_by_quantized_multiplier_smlal(std::int32_t x, std::int32_t multiplier, int shift) noexcept {
  if (shift >= 0) {
    if (shift > 0) x = saturating_left_shift(x, shift);
    if (x == multiplier && x == std::numeric_limits<std::int32_t>::min()) return std::numeric_limits<std::int32_t>::max();
    return static_cast<std::int32_t>((static_cast<std::int64_t>(x) * multiplier + (std::int64_t{1} << 30)) >> 31);
  }
  const auto e = static_cast<unsigned>(-shift);
  const std::uint32_t k = (std::uint32_t{1} << e) + 1u + (static_cast<std::uint32_t>((x ^ multiplier) >> 31) << 1);
  const std::int64_t v = static_cast<std::int64_t>(x) * multiplier + (static_cast<std::int64_t>(k) << 30);
  return static_cast<std::int32_t>(v >> 32) >> (e - 1);
}

[[gnu::noinline]] inline std::int32_t saturating_left_shift_call(std::int32_t x, int shift) noexcept {
  return saturating_left_shift(x, shift);
}

// On AVR each kernel calls this once per output. The left shift is a call of its own: with its
// loops beside the asm clang kept a stack frame and saved 18 registers.
[[gnu::noinline]] inline std::int32_t multiply_by_quantized_multiplier_call(std::int32_t x, std::int32_t multiplier, int shift) noexcept {
  auto e = static_cast<std::uint8_t>(-shift);
  if (shift > 0) {
    x = saturating_left_shift_call(x, shift);
    e = 0;
  }
  return platform::mul_round_shift(x, multiplier, e);
}
}  // namespace detail

// TFLite's MultiplyByQuantizedMultiplier (x * multiplier * 2^shift, rounded twice as gemmlowp
// rounds; shift in [-31, 30]). One deliberate difference: a left shift (shift > 0) saturates to
// int32 instead of overflowing, so no input is undefined behaviour. On AVR
// at run time the split form and on Cortex-M the SMLAL form, which give the same int32 for every
// input; on the host, and in constant expressions, the gemmlowp form (written out here as it was
// before the AVR form: through helpers, arm-none-eabi-gcc -Os inlined differently and the digits
// CNN took 2.6% more instructions).
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, std::int32_t multiplier, int shift) noexcept {
  if constexpr (platform::is_avr) {
    if (!std::is_constant_evaluated()) {
      return detail::multiply_by_quantized_multiplier_call(x, multiplier, shift);
    }
  }
  if constexpr (platform::is_cortex_m) {
    if (!std::is_constant_evaluated()) return detail::multiply_by_quantized_multiplier_smlal(x, multiplier, shift);
  }
  std::int32_t shifted = x;
  if (shift > 0) {  // shift <= 30 (codegen)
    constexpr std::int32_t lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
    shifted = x > (hi >> shift) ? hi : (x < (lo >> shift) ? lo : static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << shift));
  }
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), shift > 0 ? 0 : -shift);
}

// The requantized accumulator as an int8 activation: + output zero point, clamped to the fused
// activation's range [act_min, act_max].
// requantize_s8_inline is the same, always inlined: the matrix-multiply kernels (conv2d) requantize
// in their output loop, with the accumulators still in registers.
[[gnu::always_inline]] constexpr std::int8_t requantize_s8_inline(std::int32_t acc, std::int32_t multiplier, int shift,
                                                                  std::int32_t output_zero, std::int32_t act_min,
                                                                  std::int32_t act_max) noexcept {
  if constexpr (platform::is_cortex_m) {
    if (!std::is_constant_evaluated()) {
      // The zero point added with int32 saturation (ADDS, BVS) clamps to the same value as the
      // 64-bit sum (where the two sums differ, the saturated one is the bound the clamp would
      // have chosen). The SMLAL form is called directly: through multiply_by_quantized_multiplier
      // GCC kept that out of line, a second call per output (digits_residual +8% instructions).
      // DS-CNN on the M4: 12.31 M -> 11.20 M instructions (only the SMLAL form: 11.56 M).
      std::int32_t w;
#if defined(__ARM_FEATURE_DSP)
      // QADD: the same int32-saturated sum in one instruction, no branch (M4).
      w = __builtin_arm_qadd(detail::multiply_by_quantized_multiplier_smlal(acc, multiplier, shift), output_zero);
#else
      if (__builtin_add_overflow(detail::multiply_by_quantized_multiplier_smlal(acc, multiplier, shift), output_zero, &w))
        w = output_zero < 0 ? std::numeric_limits<std::int32_t>::min() : std::numeric_limits<std::int32_t>::max();
#endif
      return static_cast<std::int8_t>(w < act_min ? act_min : (w > act_max ? act_max : w));
    }
  }
  // In 64 bits: a requantized value near INT32_MAX plus the zero point must not overflow.
  const std::int64_t w = static_cast<std::int64_t>(multiply_by_quantized_multiplier(acc, multiplier, shift)) + output_zero;
  const std::int64_t c = w < act_min ? act_min : (w > act_max ? act_max : w);
  return static_cast<std::int8_t>(c);
}

constexpr std::int8_t requantize_s8(std::int32_t acc, std::int32_t multiplier, int shift, std::int32_t output_zero,
                                    std::int32_t act_min, std::int32_t act_max) noexcept {
  return requantize_s8_inline(acc, multiplier, shift, output_zero, act_min, act_max);
}

// The plain output store of the int8 kernels' run_into (add_in_place passes its own).
struct store_s8 {
  static constexpr void put(std::int8_t* p, std::int8_t v) noexcept { *p = v; }
};

}  // namespace ctml::nn
