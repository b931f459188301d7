// Kernel functions of libsvm (and so scikit-learn's SVC/SVR/OneClassSVM), evaluated one support
// vector at a time: a per-feature step folded over the features, then a finishing function.
//   linear <x, v>   poly (gamma <x, v> + coef0)^degree   rbf exp(-gamma |x - v|^2)
//   sigmoid tanh(gamma <x, v> + coef0)
// Float path: the reference (host, Cortex-M4F). Integer path (int8/int16 codes of one common
// scale): rbf only; |x - v|^2 is exact in 32 bits (saturating), gamma * scale^2 is a multiplier
// and shifts chosen by codegen, exp(-t) is fixed_math::exp_neg_q15, and K is Q15.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/fixed_math.hpp"
#include "../core/math.hpp"
#include "../platform/code_size.hpp"
#include "../platform/mul.hpp"

namespace ctml::svm {

enum class kernel_kind : std::uint8_t { linear, poly, rbf, sigmoid };

namespace detail {

constexpr float tanh(float u) noexcept {
  if (!(u == u)) return u;
  const float a = u < 0.0f ? -u : u;
  if (a > 20.0f) return u < 0.0f ? -1.0f : 1.0f;
  const float e = math::exp(-2.0f * a);
  const float t = (1.0f - e) / (1.0f + e);
  return u < 0.0f ? -t : t;
}

constexpr float powi(float b, int n) noexcept {
  float r = 1.0f;
  for (int i = 0; i < n; ++i) r *= b;
  return r;
}

template <class Spec, class F = typename Spec::feature_type>
struct kernel_math;

// Float features: the kernel value as float.
template <class Spec>
struct kernel_math<Spec, float> {
  using acc_type = float;
  using value_type = float;
  static constexpr bool distance = Spec::kernel == kernel_kind::rbf;

  CTML_OUTLINE_SMALL_FLASH static constexpr float step(float acc, float x, float v) noexcept {
    if constexpr (distance) {
      const float d = x - v;
      const float d2 = d * d;
      return acc + d2;
    } else {
      const float p = x * v;
      return acc + p;
    }
  }

  static constexpr float finish(float acc) noexcept {
    if constexpr (Spec::kernel == kernel_kind::linear) {
      return acc;
    } else if constexpr (Spec::kernel == kernel_kind::rbf) {
      const float t = -Spec::gamma * acc;
      return math::exp(t);
    } else {
      const float g = Spec::gamma * acc;
      const float u = g + Spec::coef0;
      if constexpr (Spec::kernel == kernel_kind::poly) return powi(u, Spec::degree);
      else return tanh(u);
    }
  }
};

// Integer features: |x - v|^2 in 32 bits (saturating), then exp(-gamma * scale^2 * d2) in Q15.
template <class Spec, class F>
struct kernel_math {
  static_assert(std::is_same_v<F, std::int8_t> || std::is_same_v<F, std::int16_t>,
                "ctml: a kernel machine's features are float, int8_t or int16_t");
  static_assert(Spec::kernel == kernel_kind::rbf,
                "ctml: the integer kernel path supports kernel='rbf'; convert linear, poly or sigmoid kernels "
                "with feature_bits=0 (float)");
  using acc_type = std::uint32_t;
  using value_type = std::uint16_t;  // Q15

  CTML_OUTLINE_SMALL_FLASH static constexpr std::uint32_t step(std::uint32_t acc, F x, F v) noexcept {
    const std::int32_t d = static_cast<std::int32_t>(x) - static_cast<std::int32_t>(v);
    const auto a = static_cast<std::uint16_t>(d < 0 ? -d : d);  // <= 65535
    std::uint32_t sq;
    if constexpr (sizeof(F) == 1) sq = static_cast<std::uint16_t>(a * a);  // <= 255^2
    else sq = fixed_math::detail::mul16(a, a);                             // <= 65535^2 < 2^32
    // Each square is pre-shifted (rounded) so that the saturated sum lies beyond t = 16, where the
    // kernel is 0: saturation never changes a kernel value.
    if constexpr (Spec::sq_shift > 0) sq = (sq + (std::uint32_t{1} << (Spec::sq_shift - 1))) >> Spec::sq_shift;
    const std::uint32_t s = acc + sq;
    return s < acc ? std::numeric_limits<std::uint32_t>::max() : s;  // saturate
  }

  // t (Q4.12) = ((d2 >> d2_shift) * t_mul) >> 14, rounded; from t = 16 on the kernel is 0 in Q15.
  static constexpr std::uint16_t finish(std::uint32_t d2) noexcept {
    constexpr unsigned shift = Spec::d2_shift;
    constexpr std::uint32_t mul = Spec::t_mul;
    static_assert(mul > 0 && shift < 32 && Spec::sq_shift < 17, "ctml: malformed rbf scaling (sq_shift, d2_shift, t_mul)");
    constexpr std::uint32_t half = std::uint32_t{1} << 13;
    std::uint32_t a = d2 >> shift;
    if constexpr (shift > 0) a += (d2 >> (shift - 1)) & 1u;  // round to nearest
    std::uint32_t t;
    if constexpr (mul <= 0x8000) {
      // The usual case (codegen picks t_mul in [2^14, 2^15] when gamma s^2 is small): a >= 2^16
      // means t >= 2^16; below, one 16 x 16-bit multiply.
      if (a > 0xFFFF) return 0;
      t = (fixed_math::detail::mul16(static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(mul)) + half) >> 14;
    } else {
      constexpr std::uint32_t amax = (std::numeric_limits<std::uint32_t>::max() - half) / mul;
      if (a > amax) return 0;
      t = (a * mul + half) >> 14;
    }
    return t > 0xFFFF ? 0 : fixed_math::exp_neg_q15(static_cast<std::uint16_t>(t));
  }
};

}  // namespace detail
}  // namespace ctml::svm
