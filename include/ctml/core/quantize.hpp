// Per-feature affine input quantization: q = round((x - offset) / scale), clamped to Q's range,
// with NaN mapped to Q's minimum. Codegen picks scale and offset per feature and maps every tree
// threshold into the same integer domain, so decisions on quantized inputs are exact.
#pragma once
#include "cxx20.hpp"
#include <array>
#include <cstddef>
#include <limits>

namespace ctml::quantize {

template <class Q>
struct affine {
  float offset;
  float inv_scale;  // 1 / scale

  // The integer code of one real value. Computed in float: it can differ from codegen's double
  // computation by one step only for values within float rounding of a step's midpoint.
  constexpr Q operator()(float x) const noexcept {
    constexpr float lo = static_cast<float>(std::numeric_limits<Q>::min());
    constexpr float hi = static_cast<float>(std::numeric_limits<Q>::max());
    if (!(x == x)) return std::numeric_limits<Q>::min();
    const float v = (x - offset) * inv_scale;
    if (!(v > lo)) return std::numeric_limits<Q>::min();
    if (!(v < hi)) return std::numeric_limits<Q>::max();
    const float r = v >= 0.0f ? v + 0.5f : v - 0.5f;
    return static_cast<Q>(static_cast<long>(r));
  }
};

// Quantizes a whole feature vector with one affine map per feature.
template <class Q, std::size_t N>
constexpr std::array<Q, N> apply(const std::array<affine<Q>, N>& maps, const std::array<float, N>& x) noexcept {
  std::array<Q, N> q{};
  for (std::size_t i = 0; i < N; ++i) q[i] = maps[i](x[i]);
  return q;
}

}  // namespace ctml::quantize
