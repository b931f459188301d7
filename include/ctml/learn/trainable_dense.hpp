// A dense classification layer that keeps learning on the device (the trainable head of tinyOL,
// Ren, Anicic and Runkler 2021): K one-vs-rest logistic units over N integer features, trained one
// sample at a time by the same integer SGD as online_logistic (PLAN logistic, halving rate,
// optional momentum), so every target computes the same weights bit for bit. The features are the
// codes a frozen network (or a sensor) produces, real value * 2^InputShift, as int8, uint8 or
// int16. predict() is the argmax of the K decision values, ties to the lowest class index.
// The weights live in RAM; ram_bytes is their size, a compile-time constant. Range: any codes of
// X; a label outside [0, K) is ignored; no input and no state overflows.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/fixed.hpp"
#include "../platform/multiply.hpp"
#include "online_logistic.hpp"
#include "sgd.hpp"

namespace ctml::learn {

namespace detail {
struct no_momentum {};
}  // namespace detail

template <std::size_t N, std::size_t K, class X = std::int8_t, unsigned InputShift = 5, unsigned LrShift = 4,
          unsigned MomentumShift = 0, std::uint32_t Decay = 1024>
struct trainable_dense {
  static_assert(N >= 1 && N <= 1024, "ctml: trainable_dense takes 1..1024 features");
  static_assert(K >= 2 && K <= 255, "ctml: trainable_dense takes 2..255 classes");
  static_assert(std::is_integral_v<X> && sizeof(X) <= 2, "ctml: trainable_dense features are 8- or 16-bit integers");
  static_assert(InputShift >= 1 && InputShift <= 14, "ctml: InputShift must be 1..14");

  using input_type = std::array<X, N>;
  using momentum_type = std::conditional_t<(MomentumShift > 0), std::array<std::array<std::int32_t, N + 1>, K>,
                                           detail::no_momentum>;
  static constexpr std::size_t n_features = N;
  static constexpr std::size_t n_classes = K;

  std::array<std::array<std::int32_t, N>, K> w{};  // Q16
  std::array<std::int32_t, K> bias{};               // Q16
  [[no_unique_address]] momentum_type v{};
  std::uint32_t t = 0;                              // updates so far

  static constexpr std::size_t ram_bytes = sizeof(std::int32_t) * K * (N + 1) +
                                           (MomentumShift > 0 ? sizeof(std::int32_t) * K * (N + 1) : 0) +
                                           sizeof(std::uint32_t);

  // Unit k's decision value bias_k + w_k . x in Q16, saturated to int32.
  constexpr std::int32_t decision(std::size_t k, const input_type& x) const noexcept {
    return sgd::dot_q16<InputShift>(w[k], bias[k], x);
  }

  constexpr std::uint8_t predict(const input_type& x) const noexcept {
    std::uint8_t best = 0;
    std::int32_t top = decision(0, x);
    for (std::size_t k = 1; k < K; ++k) {
      const std::int32_t z = decision(k, x);
      if (z > top) top = z, best = static_cast<std::uint8_t>(k);
    }
    return best;
  }

  // One SGD step on every unit's log loss for the sample (x, y); a label outside [0, K) is
  // ignored (the state does not change).
  constexpr void update(const input_type& x, std::uint8_t y) noexcept {
    if (y >= K) return;
    const sgd::rate lr = sgd::rate_at<LrShift, Decay>(t);
    for (std::size_t k = 0; k < K; ++k) {
      const std::int32_t err = plan_sigmoid_q15(decision(k, x)) - (k == y ? std::int32_t{1} << 15 : 0);  // Q15
      // err is in [-2^15, 2^15] and x in [-2^15, 2^15), so err * x fits int32 (|.| <= 2^30): no
      // 64-bit product. err = 2 * half + odd with half in int16, so the product is one 16 x 16-bit
      // multiply (the hardware multiplier on AVR) instead of a 32-bit one.
      const auto half = static_cast<std::int16_t>(err >> 1);
      const bool odd = (err & 1) != 0;
      for (std::size_t i = 0; i < N; ++i) {
        // A zero feature has a zero gradient: without momentum its weight stays as it is (ReLU
        // embeddings and pixels are about half zeros, so this halves the steps; same result).
        if constexpr (MomentumShift == 0)
          if (x[i] == 0) continue;
        step(w[k][i], k, i, half, odd, static_cast<std::int16_t>(x[i]), lr);
      }
      step(bias[k], k, N, half, odd, static_cast<std::int16_t>(std::int32_t{1} << InputShift), lr);  // the bias sees 1
    }
    ++t;
  }

  // Every weight, bias and count is reachable (the sums saturate); the momenta are bounded by the
  // largest gradient: |err| <= 2^15 times |x| (the bias's 2^InputShift) over 2^(InputShift - 1).
  constexpr bool valid() const noexcept {
    if constexpr (MomentumShift > 0) {
      constexpr std::int64_t xmax = sizeof(X) == 1 ? 256 : 32768;
      constexpr std::int64_t gmax_w = ((std::int64_t{1} << 15) * xmax) >> (InputShift - 1);
      constexpr std::int64_t gmax = gmax_w > (std::int64_t{1} << 16) ? gmax_w : (std::int64_t{1} << 16);
      for (const auto& row : v)
        if (!sgd::momentum_in_range<MomentumShift>(row, gmax + 1)) return false;
    }
    return true;
  }

 private:
  // Weight i of unit k (i == N: the bias) moves against the gradient err * x.
  [[gnu::always_inline]] constexpr void step(std::int32_t& wi, std::size_t k, std::size_t i, std::int16_t half, bool odd,
                                             std::int16_t xi, const sgd::rate& lr) noexcept {
    const std::int32_t prod = ctml::platform::mul_s16_s32(half, xi) * 2 + (odd ? xi : 0);  // err * x
    // gradient in Q16: err (Q15) * x (value * 2^InputShift) / 2^(InputShift - 1)
    const std::int32_t g = ctml::fixed::rounding_shift_right(prod, InputShift - 1);
    if constexpr (MomentumShift > 0) {
      sgd::step<MomentumShift>(wi, v[k][i], g, lr);
    } else {
      (void)k, (void)i;
      wi = ctml::fixed::saturating_sub(wi, lr.apply(g));
    }
  }
};

}  // namespace ctml::learn
