// Kernel functions of libsvm (and so scikit-learn's SVC/SVR/OneClassSVM), evaluated one support
// vector at a time: a per-feature step folded over the features, then a finishing function.
//   linear <x, v>   poly (gamma <x, v> + coef0)^degree   rbf exp(-gamma |x - v|^2)
//   sigmoid tanh(gamma <x, v> + coef0)
// Float path: the reference (host, Cortex-M4F). Integer path (int8/int16 codes of one common
// step): rbf and sigmoid, the bounded kernels; |x - v|^2 or <x, v> is exact in 32 bits
// (saturating), gamma * step^2 is a multiplier and shifts chosen by codegen, and K is Q15 from
// fixed_math::exp_neg_q15 or tanh_q15.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/fixed.hpp"
#include "../core/fixed_math.hpp"
#include "../core/math.hpp"
#include "../platform/code_size.hpp"
#include "../platform/multiply.hpp"

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

// Integer features. A kernel's argument is an exact integer sum (rbf: |q - p|^2; sigmoid: <q, p>),
// each term pre-shifted by sq_shift so that a saturated sum means an argument beyond where the
// kernel is flat; t (Q4.12) = round((sum >> d2_shift) * t_mul / 2^14) is gamma * step^2 * sum.
// rbf: K = exp(-t) (Q15, 0..32768); sigmoid: K = tanh(+-t + coef0_q12) (Q15, -32767..32767).
template <class Spec, class F>
struct kernel_math {
  static_assert(std::is_same_v<F, std::int8_t> || std::is_same_v<F, std::int16_t>,
                "ctml: a kernel machine's features are float, int8_t or int16_t");
  static_assert(Spec::kernel == kernel_kind::rbf || Spec::kernel == kernel_kind::sigmoid,
                "ctml: the integer kernel path supports kernel='rbf' and 'sigmoid'; convert linear or poly kernels "
                "with feature_bits=0 (float)");
  static_assert(Spec::t_mul > 0 && Spec::d2_shift < 32 && Spec::sq_shift < 17,
                "ctml: malformed kernel scaling (sq_shift, d2_shift, t_mul)");
  static constexpr bool rbf = Spec::kernel == kernel_kind::rbf;
  using acc_type = std::conditional_t<rbf, std::uint32_t, std::int32_t>;
  using value_type = std::conditional_t<rbf, std::uint16_t, std::int16_t>;  // Q15

  static constexpr std::uint16_t magnitude(std::int32_t v) noexcept { return static_cast<std::uint16_t>(v < 0 ? -v : v); }

  CTML_OUTLINE_SMALL_FLASH static constexpr acc_type step(acc_type acc, F x, F v) noexcept {
    if constexpr (rbf) {
      const auto a = magnitude(static_cast<std::int32_t>(x) - static_cast<std::int32_t>(v));  // <= 65535
      std::uint32_t sq;
      if constexpr (sizeof(F) == 1) sq = static_cast<std::uint16_t>(a * a);  // <= 255^2
      else sq = fixed_math::detail::mul16(a, a);                             // <= 65535^2 < 2^32
      if constexpr (Spec::sq_shift > 0) sq = (sq + (std::uint32_t{1} << (Spec::sq_shift - 1))) >> Spec::sq_shift;
      const std::uint32_t s = acc + sq;
      return s < acc ? std::numeric_limits<std::uint32_t>::max() : s;  // saturate
    } else {
      // x * v by sign and magnitude: one 16 x 16-bit multiply, |product| <= 2^30.
      const auto m = static_cast<std::int32_t>(fixed_math::detail::mul16(magnitude(x), magnitude(v)));
      const std::int32_t p = fixed::rounding_shift_right((x < 0) != (v < 0) ? -m : m, Spec::sq_shift);
      return fixed::saturating_add(acc, p);
    }
  }

  // t = round((a >> d2_shift) * t_mul / 2^14); any value above 0xFFFF means t >= 2^16.
  static constexpr std::uint32_t scale(std::uint32_t a0) noexcept {
    constexpr unsigned shift = Spec::d2_shift;
    constexpr std::uint32_t mul = Spec::t_mul;
    constexpr std::uint32_t half = std::uint32_t{1} << 13;
    std::uint32_t a = a0 >> shift;
    if constexpr (shift > 0) a += (a0 >> (shift - 1)) & 1u;  // round to nearest
    if constexpr (mul <= 0x8000) {
      // The usual case (codegen picks t_mul in [2^14, 2^15] when gamma step^2 is small): a >= 2^16
      // means t >= 2^16; below, one 16 x 16-bit multiply.
      if (a > 0xFFFF) return 0x10000;
      return (fixed_math::detail::mul16(static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(mul)) + half) >> 14;
    } else {
      constexpr std::uint32_t amax = (std::numeric_limits<std::uint32_t>::max() - half) / mul;
      return a > amax ? 0x10000 : (a * mul + half) >> 14;
    }
  }

  static constexpr value_type finish(acc_type sum) noexcept {
    if constexpr (rbf) {
      const std::uint32_t t = scale(sum);
      return t > 0xFFFF ? 0 : fixed_math::exp_neg_q15(static_cast<std::uint16_t>(t));
    } else {
      static_assert(Spec::coef0_q12 >= -(std::int32_t{1} << 20) && Spec::coef0_q12 <= (std::int32_t{1} << 20), "ctml: malformed sigmoid coef0_q12");
      const std::uint32_t mag = sum < 0 ? std::uint32_t{0} - static_cast<std::uint32_t>(sum) : static_cast<std::uint32_t>(sum);
      std::uint32_t t = scale(mag);
      t = t > 0x10000 ? 0x10000 : t;  // |t| >= 16: tanh is flat within Q15 already at 8
      const std::int32_t u = (sum < 0 ? -static_cast<std::int32_t>(t) : static_cast<std::int32_t>(t)) + Spec::coef0_q12;
      return fixed_math::tanh_q15(fixed::saturate<std::int16_t>(u));
    }
  }
};

}  // namespace detail
}  // namespace ctml::svm
