// Online linear models in integers, one sample at a time: least-squares regression by SGD with
// momentum and a halving learning rate (the same schedule as online_logistic), and Rosenblatt's
// perceptron. Inputs are int8 codes (real value * 2^InputShift); weights are Q16 in int32;
// every sum saturates, so no input makes them overflow. Range: any int8 codes, any int32 target
// (the error is clipped), any label (nonzero is the positive class).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/fixed.hpp"
#include "sgd.hpp"

namespace ctml::learn {

template <std::size_t N, unsigned InputShift = 5, unsigned LrShift = 6, unsigned MomentumShift = 2,
          std::uint32_t Decay = 1024>
struct online_linear_regression {
  static_assert(N >= 1 && N <= 1024 && InputShift <= 15, "ctml: online_linear_regression takes 1..1024 features and InputShift <= 15");
  std::array<std::int32_t, N> w{};      // Q16
  std::int32_t bias = 0;                 // Q16
  std::array<std::int32_t, N + 1> v{};  // momentum, Q16
  std::uint32_t t = 0;

  static constexpr std::size_t ram_bytes = sizeof(std::int32_t) * (2 * N + 2) + sizeof(std::uint32_t);

  // The prediction in Q16.
  constexpr std::int32_t predict(const std::array<std::int8_t, N>& x) const noexcept {
    return sgd::dot_q16<InputShift>(w, bias, x);
  }

  // One SGD step on the squared error for target y (Q16).
  constexpr void update(const std::array<std::int8_t, N>& x, std::int32_t y) noexcept {
    // The error in Q16, clipped to +-256 real units (a gradient clip that also keeps the
    // products below in range).
    constexpr std::int64_t clip = std::int64_t{1} << 24;
    const std::int64_t e = static_cast<std::int64_t>(predict(x)) - y;
    const auto err = static_cast<std::int32_t>(e < -clip ? -clip : (e > clip ? clip : e));
    const sgd::rate lr = sgd::rate_at<LrShift, Decay>(t);
    for (std::size_t i = 0; i <= N; ++i) {
      const std::int32_t xi = i < N ? x[i] : std::int32_t{1} << InputShift;
      const std::int32_t g = ctml::fixed::saturate<std::int32_t>(
          ctml::fixed::rounding_shift_right(static_cast<std::int64_t>(err) * xi, InputShift));
      sgd::step<MomentumShift>(i < N ? w[i] : bias, v[i], g, lr);
    }
    ++t;
  }

  // Every weight, bias and count is reachable (the sums saturate); the momenta are bounded by the
  // largest gradient, the clipped error 2^24 times |x| <= 2^7 (the bias's 2^InputShift) over 2^InputShift.
  constexpr bool valid() const noexcept {
    constexpr std::int64_t gmax_w = (std::int64_t{1} << 31) >> InputShift;
    constexpr std::int64_t gmax = gmax_w > (std::int64_t{1} << 24) ? gmax_w : (std::int64_t{1} << 24);
    return sgd::momentum_in_range<MomentumShift>(v, gmax + 1);
  }
};

// Rosenblatt's perceptron: on a mistake, w += y x (y = +-1), in integer steps.
template <std::size_t N>
struct online_perceptron {
  std::array<std::int32_t, N> w{};
  std::int32_t bias = 0;
  std::uint32_t mistakes = 0;

  static constexpr std::size_t ram_bytes = sizeof(std::int32_t) * (N + 1) + sizeof(std::uint32_t);

  constexpr std::uint8_t predict(const std::array<std::int8_t, N>& x) const noexcept {
    return sgd::dot_q16<0>(w, bias, x) > 0 ? 1 : 0;
  }
  constexpr void update(const std::array<std::int8_t, N>& x, std::uint8_t y) noexcept {
    if (predict(x) == (y ? 1 : 0)) return;
    ++mistakes;
    const std::int32_t sign = y ? 1 : -1;
    for (std::size_t i = 0; i < N; ++i) w[i] = ctml::fixed::saturating_add(w[i], sign * x[i]);
    bias = ctml::fixed::saturating_add(bias, sign);
  }

  constexpr bool valid() const noexcept { return true; }  // every weight and count is reachable
};

}  // namespace ctml::learn
