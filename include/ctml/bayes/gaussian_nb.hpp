// Gaussian naive Bayes (scikit-learn's GaussianNB): the joint log-likelihood
//   jll_c = log prior_c - 1/2 sum_j log(2 pi var_cj) - 1/2 sum_j (x_j - theta_cj)^2 / var_cj
// and predict = the first class with the largest jll (numpy's argmax).
// Float path: the formula in float32 with 1/(2 var) precomputed. Integer path (AVR): on int8/int16
// codes q, d = q * 2^center_shift - C_cj is exact in int32 (int8 codes keep 8 fractional bits of
// the centers, int16 codes none), d^2 fits uint32, and jll in units of 2^-F is
// base_c - sum d^2 * W_cj accumulated in int64; codegen picks F so the sum cannot overflow and a
// static_assert rechecks it. Both layouts compute the same sums in the same order.
#pragma once
#include "../core/cxx20.hpp"
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/argmax.hpp"
#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../platform/code_size.hpp"
#include "../core/unroll.hpp"
#include "../core/math.hpp"
#include "../platform/flash.hpp"
#include "../platform/load.hpp"
#include "../platform/multiply.hpp"
#include "../platform/target.hpp"

namespace ctml::bayes {

namespace detail {
// True when every center is a code, and n_features * max(d^2) * max(W) + max|base| < 2^63.
template <class Spec>
consteval bool jll_fits() {
  using Q = typename Spec::feature_type;
  if constexpr (std::is_floating_point_v<Q>) {
    return true;
  } else {
  constexpr std::int64_t lo = std::int64_t{std::numeric_limits<Q>::min()} * (std::int64_t{1} << Spec::center_shift);
  constexpr std::int64_t hi = std::int64_t{std::numeric_limits<Q>::max()} * (std::int64_t{1} << Spec::center_shift);
  constexpr std::uint64_t qspan = static_cast<std::uint64_t>(hi - lo);
  if (qspan > 0xFFFF) return false;  // |d| must stay below 2^16 so that d^2 fits uint32
  std::uint64_t wmax = 0, bmax = 0;
  for (std::size_t i = 0; i < Spec::n_classes * Spec::n_features; ++i) {
    const std::uint64_t w = Spec::weight[i];
    wmax = w > wmax ? w : wmax;
    const std::int64_t c = Spec::center[i];
    if (c < lo || c > hi) return false;
  }
  for (std::size_t c = 0; c < Spec::n_classes; ++c) {
    const std::int64_t b = Spec::base[c];
    const std::uint64_t m = static_cast<std::uint64_t>(b < 0 ? -b : b);
    bmax = m > bmax ? m : bmax;
  }
  const std::uint64_t d2 = qspan * qspan;
  if (wmax != 0 && d2 > (std::uint64_t{1} << 62) / wmax / Spec::n_features) return false;
  return bmax < (std::uint64_t{1} << 62);
  }
}
}  // namespace detail

template <class Spec, class LayoutPolicy = layout::automatic>
struct gaussian_nb
    : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>,
                                  ::ctml::class_index_t<Spec::n_classes>> {
  using output_type = ::ctml::class_index_t<Spec::n_classes>;
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, output_type>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::predict_proba;
  using feature_type = typename Spec::feature_type;
  static constexpr std::size_t n_features = Spec::n_features;
  static constexpr std::size_t n_classes = Spec::n_classes;
  using input_type = std::array<feature_type, n_features>;
  static constexpr bool is_float = std::is_floating_point_v<feature_type>;
  using jll_type = std::conditional_t<is_float, float, std::int64_t>;
  static_assert(n_classes >= 2, "ctml: a classifier needs at least two classes");
  static_assert(is_float || sizeof(feature_type) <= 2, "ctml: integer naive Bayes takes int8/int16 input codes");
  static_assert(is_float || detail::jll_fits<Spec>(),
                "ctml: the naive Bayes int64 log-likelihood could overflow; regenerate the model (codegen scales it to fit)");

  // The code each layout links (platform/code_size.hpp): per class x feature term unrolled, per class as tables.
  static constexpr std::size_t code_unrolled = platform::code_bytes(platform::costs.bayes.unrolled, n_classes * n_features);
  static constexpr std::size_t code_estimate = code_unrolled;
  using layout_type = layout::resolve_t<LayoutPolicy, code_estimate>;
  static constexpr bool unrolled = std::is_same_v<layout_type, layout::unrolled>;
  static constexpr std::size_t code_bytes = unrolled ? code_unrolled : platform::code_bytes(platform::costs.bayes.table, n_classes);
  static constexpr std::size_t flash_bytes =
      code_bytes + (unrolled ? 0 : sizeof(Spec::center) + sizeof(Spec::weight) + sizeof(Spec::base));  // code + constants
  static constexpr std::size_t ram_bytes = 2 * n_classes * sizeof(jll_type) + platform::call_frame_bytes;

  // One feature's term of a class's sum: (x - center)^2 * weight. Acc = double is the float
  // path's wide fallback (see wide_jll).
  template <class Acc = jll_type, class C, class W>
  static constexpr Acc term(feature_type x, C center, W weight) noexcept {
    if constexpr (std::is_same_v<Acc, double>) {
      const double d = static_cast<double>(x) - static_cast<double>(center);
      return d * d * static_cast<double>(weight);
    } else if constexpr (is_float) {
      const float d = x - center;
      return d * d * weight;
    } else {
      const std::int32_t d = static_cast<std::int32_t>(x) * (std::int32_t{1} << Spec::center_shift) - static_cast<std::int32_t>(center);
      const std::uint32_t m = static_cast<std::uint32_t>(d < 0 ? -d : d);  // < 2^16
      // Hardware multiplies on AVR (platform/multiply.hpp): clang calls __mulsi3 and __muldi3.
      const std::uint32_t m2 = platform::mul_u16(static_cast<std::uint16_t>(m), static_cast<std::uint16_t>(m));
      return static_cast<jll_type>(platform::mul_u32_u64(m2, weight));
    }
  }

  template <std::size_t C, class Acc = jll_type>
  static constexpr Acc class_unrolled(const input_type& x) noexcept {
    Acc sum = 0;
    ::ctml::detail::unroll<n_features>([&](auto j) {
      constexpr std::size_t J = decltype(j)::value;
      constexpr auto c = Spec::center[C * n_features + J];
      constexpr auto w = Spec::weight[C * n_features + J];
      sum += term<Acc>(platform::load_element<J>(x), c, w);
    });
    constexpr jll_type base = Spec::base[C];
    return static_cast<Acc>(base) - sum;
  }

  template <class Acc = jll_type>
  static constexpr Acc class_table(const input_type& x, std::size_t c) noexcept {
    Acc sum = 0;
    for (std::size_t j = 0; j < n_features; ++j)
      sum += term<Acc>(x[j], platform::flash_read(&Spec::center[c * n_features + j]),
                       platform::flash_read(&Spec::weight[c * n_features + j]));
    return static_cast<Acc>(platform::flash_read(&Spec::base[c])) - sum;
  }

  // Every class's joint log-likelihood in the model's units (real = value * jll_scale on integers).
  template <class Acc = jll_type>
  static constexpr std::array<Acc, n_classes> raw_jll(const input_type& x) noexcept {
    std::array<Acc, n_classes> s{};
    if constexpr (unrolled) {
      ::ctml::detail::unroll<n_classes>([&](auto c) { s[c] = class_unrolled<decltype(c)::value, Acc>(x); });
    } else {
      for (std::size_t c = 0; c < n_classes; ++c) s[c] = class_table<Acc>(x, c);
    }
    return s;
  }

  template <class A>
  static constexpr bool all_finite(const A& a) noexcept {
    for (const auto v : a)
      if (!(v - v == 0)) return false;
    return true;
  }

  // The float path's fallback: when a float sum overflowed (|x - center| beyond ~1e19 for unit
  // weights) and x is finite, the same sums in double, where every finite float input gives a
  // finite value (|d|^2 * weight < 2^386), as scikit-learn computes them in float64. Empty
  // (false) when the float sums were finite or x is not: then they stand.
  static constexpr bool wide_jll(const input_type& x, const std::array<float, n_classes>& s,
                                 std::array<double, n_classes>& wide) noexcept {
    static_assert(sizeof(double) == 8 || !is_float,
                  "ctml: float naive Bayes needs a 64-bit double (host, Cortex-M); on AVR use the integer model");
    if (all_finite(s) || !all_finite(x)) return false;
    wide = raw_jll<double>(x);
    return true;
  }

  static constexpr output_type predict(const input_type& x) noexcept {
    const auto s = raw_jll(x);
    if constexpr (is_float) {
      std::array<double, n_classes> wide{};
      if (wide_jll(x, s, wide)) return ::ctml::detail::argmax_first<output_type, n_classes>(wide);
    }
    return ::ctml::detail::argmax_first<output_type, n_classes>(s);
  }

  // scikit-learn's _joint_log_likelihood, in real units. Float: a value beyond float's range (a
  // feature ~1e19 or more from a center) saturates at -FLT_MAX; predict and predict_proba use the
  // unsaturated double. A NaN feature gives NaN for every class, an infinite one -inf.
  static constexpr std::array<float, n_classes> joint_log_likelihood(const input_type& x) noexcept {
    const auto s = raw_jll(x);
    std::array<float, n_classes> r{};
    if constexpr (is_float) {
      std::array<double, n_classes> wide{};
      if (wide_jll(x, s, wide)) {
        constexpr double big = std::numeric_limits<float>::max();
        for (std::size_t c = 0; c < n_classes; ++c)
          r[c] = static_cast<float>(wide[c] < -big ? -big : (wide[c] > big ? big : wide[c]));
        return r;
      }
    }
    for (std::size_t c = 0; c < n_classes; ++c) {
      if constexpr (is_float) r[c] = s[c];
      else r[c] = static_cast<float>(s[c]) * Spec::jll_scale;
    }
    return r;
  }

  // exp(jll - logsumexp(jll)), as a softmax shifted by the largest jll (the top class's term is
  // exp(0) = 1, so the sum is at least 1). Finite and summing to 1 (within n_classes float
  // roundings) for every finite input; NaN for every class when a feature is NaN or infinite.
  static constexpr std::array<float, n_classes> predict_proba(const input_type& x) noexcept {
    std::array<float, n_classes> p{};
    if constexpr (is_float) {
      const auto s = raw_jll(x);
      std::array<double, n_classes> wide{};
      if (wide_jll(x, s, wide)) {
        double top = wide[0];
        for (double v : wide) top = v > top ? v : top;
        for (std::size_t c = 0; c < n_classes; ++c) {
          const double d = wide[c] - top;  // <= 0; below -FLT_MAX it is 0 after exp anyway
          p[c] = static_cast<float>(d < -1e30 ? -1e30 : d);
        }
        return normalise(p);
      }
      p = s;
    } else {
      p = joint_log_likelihood(x);
    }
    return normalise(p);
  }

 private:
  static constexpr std::array<float, n_classes> normalise(std::array<float, n_classes> p) noexcept {
    float top = p[0];
    for (float v : p) top = v > top ? v : top;
    float sum = 0.0f;
    for (float& v : p) {
      v = math::exp(v - top);
      sum += v;
    }
    for (float& v : p) v /= sum;
    return p;
  }
};

}  // namespace ctml::bayes
