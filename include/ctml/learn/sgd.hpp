// The integer SGD pieces the online linear learners share: the Q16 dot product, the halving
// learning-rate schedule and the momentum step. Inputs are integer codes (real * 2^InputShift).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/fixed.hpp"

namespace ctml::learn::sgd {

// bias + w . x in Q16, floor-divided back from the inputs' scale and saturated to int32.
// X is the inputs' integer type (int8 codes, or uint8 activations of a frozen network).
template <unsigned InputShift, std::size_t N, class X>
constexpr std::int32_t dot_q16(const std::array<std::int32_t, N>& w, std::int32_t bias,
                               const std::array<X, N>& x) noexcept {
  static_assert(sizeof(X) <= 2, "ctml: SGD inputs are 8- or 16-bit integer codes");
  std::int64_t acc = 0;
  for (std::size_t i = 0; i < N; ++i) acc += static_cast<std::int64_t>(w[i]) * x[i];
  acc = (acc >= 0 ? acc : acc - ((std::int64_t{1} << InputShift) - 1)) >> InputShift;
  return ctml::fixed::saturate<std::int32_t>(acc + bias);
}

// The learning rate's shift after t updates: LrShift + floor(log2(1 + t / Decay)).
template <unsigned LrShift, std::uint32_t Decay>
constexpr unsigned rate_shift(std::uint32_t t) noexcept {
  unsigned lr = LrShift;
  for (std::uint32_t k = t / Decay + 1; k > 1; k >>= 1) ++lr;
  return lr;
}

// Heavy-ball momentum: v keeps 1 - 2^-MomentumShift of itself plus the gradient g; the weight
// moves by -v * 2^-lr. Saturating, so no input overflows.
template <unsigned MomentumShift>
constexpr void step(std::int32_t& weight, std::int32_t& v, std::int32_t g, unsigned lr) noexcept {
  v = ctml::fixed::saturating_add(v - ctml::fixed::rounding_shift_right(v, MomentumShift), g);
  weight = ctml::fixed::saturating_add(weight, -ctml::fixed::rounding_shift_right(v, lr));
}

}  // namespace ctml::learn::sgd
