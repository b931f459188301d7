// Softmax over the channels exactly as TensorFlow Lite's int8 reference kernel computes it (and
// CMSIS-NN's arm_softmax_s8): the default for models imported from a .tflite file, so their
// probabilities are TFLite's codes bit for bit. softmax.hpp's table softmax is faster and smaller
// but differs from TFLite in about 1 code of every 8,000.
//
// With d = x_j - max_k x_k (input codes), for d >= diff_min:
//   r = SRDHM(d * 2^input_left_shift, input_multiplier)          beta * s_in * d in Q5.26
//   e = exp_on_negative_values(r)                                gemmlowp, Q0.31
//   S = sum_j RoundingDivideByPOT(e_j, 12)                       Q12.19
//   y_j = RoundingDivideByPOT(SRDHM(1 / S (Newton-Raphson), e_j), bits_over_unit + 23) - 128
// and y_j = -128 where d < diff_min. Output scale 1/256, zero point -128, as TFLite's.
// codegen/ctml_codegen/nn/reference.py (softmax_tflite) is the numpy twin.
//
// P (generated): input_multiplier, input_left_shift, diff_min (TFLite's SoftmaxParams for int8).
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>

#include "requantize.hpp"
#include "shape.hpp"

namespace ctml::nn {

namespace detail::fixed_point {
// gemmlowp's FixedPoint<int32_t, N> operations on raw values (the integer bits N are tracked by
// the caller, as in the names: q0 = Q0.31, q2 = Q2.29, q5 = Q5.26).
constexpr std::int32_t mul(std::int32_t a, std::int32_t b) noexcept { return saturating_rounding_doubling_high_mul(a, b); }

constexpr std::int32_t saturating_shift_left(std::int32_t x, int e) noexcept {
  const std::int64_t v = static_cast<std::int64_t>(x) * (std::int64_t{1} << e);
  constexpr std::int64_t lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
  return static_cast<std::int32_t>(v < lo ? lo : (v > hi ? hi : v));
}

// exp(a) for a in [-1/4, 0), Q0.31: a Taylor polynomial around -1/8.
constexpr std::int32_t exp_on_quarter_interval_q0(std::int32_t a) noexcept {
  constexpr std::int32_t exp_minus_one_eighth = 1895147668, one_third = 715827883;
  const std::int32_t x = a + (std::int32_t{1} << 28);
  const std::int32_t x2 = mul(x, x), x3 = mul(x2, x), x4 = mul(x2, x2);
  const std::int32_t poly = rounding_divide_by_pot(mul(rounding_divide_by_pot(x4, 2) + x3, one_third) + x2, 1);
  return exp_minus_one_eighth + mul(exp_minus_one_eighth, x + poly);
}

// exp(a) for a <= 0 in Q5.26, result Q0.31: the quarter-interval polynomial times exp(-2^k) for
// each set bit k of the remainder (gemmlowp's barrel shifter).
constexpr std::int32_t exp_on_negative_values_q5(std::int32_t a) noexcept {
  constexpr std::int32_t quarter = std::int32_t{1} << 24;
  constexpr std::int32_t factor[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const std::int32_t a_mod = (a & (quarter - 1)) - quarter;
  std::int32_t result = exp_on_quarter_interval_q0(saturating_shift_left(a_mod, 5));
  const std::int32_t remainder = a_mod - a;
  for (int k = 0; k < 7; ++k)
    if (remainder & (std::int32_t{1} << (24 + k))) result = mul(result, factor[k]);
  return a == 0 ? std::numeric_limits<std::int32_t>::max() : result;
}

// 1 / (1 + a) for a in [0, 1), Q0.31 in and out: three Newton-Raphson steps in Q2.29.
constexpr std::int32_t one_over_one_plus_x_q0(std::int32_t a) noexcept {
  const std::int64_t sum = static_cast<std::int64_t>(a) + std::numeric_limits<std::int32_t>::max();
  const std::int32_t half_denominator = static_cast<std::int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
  std::int32_t x = 1515870810 + mul(half_denominator, -1010580540);  // 48/17 - 32/17 * d
  for (int i = 0; i < 3; ++i) {
    const std::int32_t one_minus = (std::int32_t{1} << 29) - mul(half_denominator, x);
    x = x + saturating_shift_left(mul(x, one_minus), 2);
  }
  return saturating_shift_left(x, 1);
}

constexpr int count_leading_zeros(std::uint32_t v) noexcept {
  int n = 0;
  for (std::uint32_t bit = std::uint32_t{1} << 31; bit != 0 && !(v & bit); bit >>= 1) ++n;
  return n;
}
}  // namespace detail::fixed_point

template <class P>
struct softmax_tflite {
  using value_type = std::int8_t;
  static constexpr int extra_input = -1;
  static constexpr bool is_softmax = true;
  static constexpr std::size_t flash_bytes = 0;
  static_assert(P::input_left_shift >= 0 && P::input_left_shift <= 31 && P::input_multiplier > 0 && P::diff_min <= 0,
                "ctml: softmax_tflite needs TFLite's int8 SoftmaxParams (input_multiplier > 0, input_left_shift in "
                "[0, 31], diff_min <= 0); regenerate the model with ctml codegen");
  static constexpr dims out_dims(dims in) noexcept { return in; }
  // Up to 256 channels the sum stays below 2^28 (Q12.19), so every shift below is at most 31.
  static constexpr bool accepts(dims in) noexcept { return in.c >= 1 && in.c <= 256; }

  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* x, const std::int8_t*, std::int8_t* y) noexcept {
    for (std::size_t p = 0; p < In.h * In.w; ++p) row<In.c>(x + p * In.c, y + p * In.c);
  }

 private:
  static constexpr std::int32_t exp_of(std::int32_t d) noexcept {
    const std::int32_t r = saturating_rounding_doubling_high_mul(
        static_cast<std::int32_t>(static_cast<std::int64_t>(d) * (std::int64_t{1} << P::input_left_shift)),
        P::input_multiplier);
    return detail::fixed_point::exp_on_negative_values_q5(r);
  }
  template <std::size_t C>
  static constexpr void row(const std::int8_t* x, std::int8_t* y) noexcept {
    std::int8_t top = x[0];
    for (std::size_t k = 1; k < C; ++k) top = x[k] > top ? x[k] : top;
    std::int32_t sum = 0;  // Q12.19
    for (std::size_t k = 0; k < C; ++k) {
      const std::int32_t d = std::int32_t{x[k]} - top;
      if (d >= P::diff_min) sum += rounding_divide_by_pot(exp_of(d), 12);
    }
    const int headroom = detail::fixed_point::count_leading_zeros(static_cast<std::uint32_t>(sum));
    const int bits_over_unit = 12 - headroom;
    const std::int32_t shifted_minus_one =
        static_cast<std::int32_t>((static_cast<std::uint32_t>(sum) << headroom) - (std::uint32_t{1} << 31));
    const std::int32_t scale = detail::fixed_point::one_over_one_plus_x_q0(shifted_minus_one);
    for (std::size_t k = 0; k < C; ++k) {
      const std::int32_t d = std::int32_t{x[k]} - top;
      std::int32_t v = -128;
      if (d >= P::diff_min) {
        v = rounding_divide_by_pot(saturating_rounding_doubling_high_mul(scale, exp_of(d)), bits_over_unit + 23) - 128;
        v = v > 127 ? 127 : (v < -128 ? -128 : v);
      }
      y[k] = static_cast<std::int8_t>(v);
    }
  }
};

}  // namespace ctml::nn
