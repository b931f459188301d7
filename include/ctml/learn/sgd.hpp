// The integer SGD pieces the online linear learners share: the Q16 dot product, the halving
// learning-rate schedule and the momentum step. Inputs are integer codes (real * 2^InputShift).
// Written for AVR's cost model (measured in simavr): no 64-bit multiply in the dot product of
// 8-bit inputs, and the rate's rounding constants computed once per update, not per weight.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/fixed.hpp"
#include "../platform/multiply.hpp"

namespace ctml::learn::sgd {

// bias + w . x in Q16, floor-divided back from the inputs' scale and saturated to int32.
// X is the inputs' integer type (int8 codes, or uint8 activations of a frozen network).
template <unsigned InputShift, std::size_t N, class X>
constexpr std::int32_t dot_q16(const std::array<std::int32_t, N>& w, std::int32_t bias,
                               const std::array<X, N>& x) noexcept {
  static_assert(sizeof(X) <= 2, "ctml: SGD inputs are 8- or 16-bit integer codes");
  std::int64_t acc = 0;
  if constexpr (sizeof(X) == 1 && N <= 128) {
    // w = hi * 2^16 + lo with lo in [0, 2^16): two 16 x 8-bit products in 32-bit sums (each sum
    // fits: N * 2^16 * 255 < 2^31 for N <= 128), joined once. Exactly the 64-bit sum of w * x.
    // lo is taken as the signed lo - 2^15 (plus 2^15 * sum x), so both products are int16 x int16:
    // the hardware multiplier on AVR instead of a call of __mulsi3.
    std::int32_t hi = 0, lo = 0, xs = 0;
    for (std::size_t i = 0; i < N; ++i) {
      const auto xi = static_cast<std::int16_t>(x[i]);
      hi += ctml::platform::mul_s16_s32(static_cast<std::int16_t>(w[i] >> 16), xi);
      lo += ctml::platform::mul_s16_s32(static_cast<std::int16_t>(static_cast<std::int32_t>(w[i] & 0xFFFF) - 32768), xi);
      xs += xi;
    }
    acc = static_cast<std::int64_t>(hi) * 65536 + lo + static_cast<std::int64_t>(xs) * 32768;
  } else {
    for (std::size_t i = 0; i < N; ++i) acc += static_cast<std::int64_t>(w[i]) * x[i];
  }
  acc = (acc >= 0 ? acc : acc - ((std::int64_t{1} << InputShift) - 1)) >> InputShift;
  return ctml::fixed::saturate<std::int32_t>(acc + bias);
}

// A learning rate 2^-shift with the constants its rounding needs, made once per update.
struct rate {
  unsigned shift;
  std::int32_t mask;  // 2^shift - 1
  std::int32_t half;  // 2^(shift - 1); 1 when shift is 0, so that nothing rounds

  // v / 2^shift rounded to nearest, ties away from zero: fixed::rounding_shift_right(v, shift).
  constexpr std::int32_t apply(std::int32_t v) const noexcept {
    const std::int32_t rem = v & mask;
    return (v >> shift) + (v >= 0 ? rem >= half : rem > half);
  }
};

// The learning rate after t updates: 2^-(LrShift + floor(log2(1 + t / Decay))).
template <unsigned LrShift, std::uint32_t Decay>
constexpr rate rate_at(std::uint32_t t) noexcept {
  unsigned lr = LrShift;
  for (std::uint32_t k = t / Decay + 1; k > 1; k >>= 1) ++lr;
  if (lr > 30) lr = 30;
  const std::int32_t one = 1;
  return {lr, static_cast<std::int32_t>((one << lr) - 1), lr == 0 ? 1 : static_cast<std::int32_t>(one << (lr - 1))};
}

// Heavy-ball momentum: v keeps 1 - 2^-MomentumShift of itself plus the gradient g; the weight
// moves by -v * 2^-lr. Saturating, so no input and no state overflows (v may sit at INT32_MIN,
// whose step at rate 2^0 has no int32 negation: saturating_sub takes it).
template <unsigned MomentumShift>
[[gnu::always_inline]] constexpr void step(std::int32_t& weight, std::int32_t& v, std::int32_t g, const rate& lr) noexcept {
  v = ctml::fixed::saturating_add(v - ctml::fixed::rounding_shift_right(v, MomentumShift), g);
  weight = ctml::fixed::saturating_sub(weight, lr.apply(v));
}

// Whether every momentum in v can arise from step<MomentumShift> with gradients |g| <= gmax,
// starting from 0: B = 2^MomentumShift * (gmax + 1) is a fixed point of the bound
// |v'| <= |v| - |v| / 2^MomentumShift + 1 + gmax, so no reachable |v| exceeds it (restore checks it).
template <unsigned MomentumShift, class V>
constexpr bool momentum_in_range(const V& v, std::int64_t gmax) noexcept {
  const std::int64_t bound = (gmax + 1) * (std::int64_t{1} << MomentumShift);
  for (const std::int32_t m : v)
    if (m > bound || m < -bound) return false;
  return true;
}

}  // namespace ctml::learn::sgd
