// Online logistic regression trained one sample at a time by SGD with momentum, entirely in
// integers, so it runs on an 8-bit AVR and gives the same weights bit for bit on every target.
// Inputs are int8 codes (real value * 2^InputShift); weights are Q16 in int32; the logistic is
// Amin, Curtis and Hayes-Gill's piecewise-linear PLAN approximation (shifts and adds only, at
// most 0.019 from the true logistic); the learning rate is 2^-(LrShift + floor(log2(1 + t/Decay))),
// a halving schedule; momentum keeps 1 - 2^-MomentumShift of the previous step. The weights live
// in RAM: ram_bytes is their size, known at compile time. Range: any int8 codes and any label
// (nonzero is class 1); no input and no state overflows (every sum saturates).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/fixed.hpp"
#include "sgd.hpp"

namespace ctml::learn {

// The logistic of z (Q16) in Q15, by PLAN: four linear pieces on |z|, mirrored for z < 0.
constexpr std::int32_t plan_sigmoid_q15(std::int32_t z) noexcept {
  using q = std::int32_t;  // every constant in 32 bits: int is 16 bits on AVR
  const q a = z < 0 ? (z == std::numeric_limits<q>::min() ? std::numeric_limits<q>::max() : -z) : z;  // |z|, Q16
  q p;                                                          // Q15
  if (a >= (q{5} << 16)) p = q{1} << 15;
  else if (a >= (q{19} << 13)) p = (a >> 6) + (q{27} << 10);  // 0.03125|z| + 0.84375
  else if (a >= (q{1} << 16)) p = (a >> 4) + (q{5} << 12);    // 0.125|z| + 0.625
  else p = (a >> 3) + (q{1} << 14);                           // 0.25|z| + 0.5
  return z < 0 ? (q{1} << 15) - p : p;
}

template <std::size_t N, unsigned InputShift = 5, unsigned LrShift = 4, unsigned MomentumShift = 2,
          std::uint32_t Decay = 512>
struct online_logistic {
  static_assert(N >= 1 && N <= 1024, "ctml: online_logistic takes 1..1024 features");
  static_assert(InputShift >= 1 && InputShift <= 15, "ctml: online_logistic's InputShift must be 1..15");
  std::array<std::int32_t, N> w{};        // Q16
  std::int32_t bias = 0;                   // Q16
  std::array<std::int32_t, N + 1> v{};    // momentum, Q16 (the last one is the bias's)
  std::uint32_t t = 0;                     // updates so far

  static constexpr std::size_t ram_bytes = sizeof(std::int32_t) * (2 * N + 2) + sizeof(std::uint32_t);

  // The decision value z = bias + w . x in Q16, saturated to int32.
  constexpr std::int32_t decision(const std::array<std::int8_t, N>& x) const noexcept {
    return sgd::dot_q16<InputShift>(w, bias, x);
  }

  constexpr std::uint8_t predict(const std::array<std::int8_t, N>& x) const noexcept {
    return decision(x) > 0 ? 1 : 0;
  }

  // One SGD step on the log loss for the sample (x, y), y in {0, 1}.
  constexpr void update(const std::array<std::int8_t, N>& x, std::uint8_t y) noexcept {
    const std::int32_t err = plan_sigmoid_q15(decision(x)) - (y ? std::int32_t{1} << 15 : 0);  // Q15
    const sgd::rate lr = sgd::rate_at<LrShift, Decay>(t);
    for (std::size_t i = 0; i <= N; ++i) {
      // gradient in Q16: err (Q15) * x (value * 2^InputShift) -> shift by InputShift - 1.
      const std::int32_t xi = i < N ? x[i] : std::int32_t{1} << InputShift;  // the bias sees a constant 1
      const std::int32_t g = ctml::fixed::rounding_shift_right(err * xi, InputShift - 1);
      sgd::step<MomentumShift>(i < N ? w[i] : bias, v[i], g, lr);
    }
    ++t;
  }

  // Every weight, bias and count is reachable (the sums saturate); the momenta are bounded by the
  // largest gradient: |err| <= 2^15 times |x| <= 2^7 (the bias's 2^InputShift) over 2^(InputShift - 1).
  constexpr bool valid() const noexcept {
    constexpr std::int64_t gmax_w = (std::int64_t{1} << 22) >> (InputShift - 1);
    constexpr std::int64_t gmax = gmax_w > (std::int64_t{1} << 16) ? gmax_w : (std::int64_t{1} << 16);
    return sgd::momentum_in_range<MomentumShift>(v, gmax + 1);
  }
};

}  // namespace ctml::learn
