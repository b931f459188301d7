// Gaussian mixtures and the elliptic envelope (scikit-learn's GaussianMixture,
// BayesianGaussianMixture and EllipticEnvelope), float inputs. Component k scores
//   s_k(x) = log_const_k - q_k(x) / 2,   q_k(x) = sum_j y_j^2,   y = (x - mean_k) U_k
// where U_k is a square root of the component's precision (scikit-learn's precisions_cholesky_, or
// the Cholesky factor of EllipticEnvelope's precision_), so q_k is the squared Mahalanobis distance.
// Codegen stores U_k densely; the unrolled layout skips its zeros at compile time, the table layout
// reads U_k from flash. A mixture predicts the first component with the largest s_k (numpy's argmax),
// predict_proba is softmax(s) and score_samples logsumexp(s); an envelope's score_samples is -q,
// decision_function -q - offset, and predict the index in (-1, 1): inlier when decision >= 0.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/argmax.hpp"
#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../core/math.hpp"
#include "../core/unroll.hpp"
#include "../platform/code_size.hpp"
#include "../platform/flash.hpp"
#include "../platform/target.hpp"

namespace ctml::mixture {

namespace detail {

// The precision roots' non-zero entries: the unrolled layout's multiply-adds.
template <class Spec>
consteval std::size_t nonzero_terms() {
  std::size_t t = 0;
  for (float v : Spec::root) t += v != 0.0f;
  return t;
}

template <class Spec, class LayoutPolicy>
struct quadratic {
  static constexpr std::size_t n = Spec::n_features;
  static constexpr std::size_t k = Spec::n_components;
  using input_type = std::array<float, n>;
  static_assert(std::is_same_v<typename Spec::feature_type, float>, "ctml: mixture models take float inputs");
  static_assert(sizeof(Spec::means) == sizeof(float) * k * n, "ctml: the means must hold n_components * n_features floats");
  static_assert(sizeof(Spec::root) == sizeof(float) * k * n * n,
                "ctml: the precision roots must hold n_components * n_features^2 floats");

  static constexpr std::size_t code_unrolled =
      platform::code_bytes(platform::costs.mixture.unrolled, k, detail::nonzero_terms<Spec>());
  using layout_type = layout::resolve_t<LayoutPolicy, code_unrolled>;
  static constexpr bool unrolled = std::is_same_v<layout_type, layout::unrolled>;
  static constexpr std::size_t code_bytes = unrolled ? code_unrolled : platform::code_bytes(platform::costs.mixture.table, k);
  static constexpr std::size_t data_bytes = unrolled ? 0 : sizeof(Spec::means) + sizeof(Spec::root);
  // d = x - mean_k and the component scores.
  static constexpr std::size_t scratch_bytes = (n + k) * sizeof(float);

  template <std::size_t K>
  static constexpr float distance_unrolled(const input_type& x) noexcept {
    std::array<float, n> d{};
    ::ctml::detail::unroll<n>([&](auto i) {
      constexpr float mu = Spec::means[K * n + decltype(i)::value];
      d[i] = x[i] - mu;
    });
    float q = 0.0f;
    ::ctml::detail::unroll<n>([&](auto j) {
      float y = 0.0f;
      ::ctml::detail::unroll<n>([&](auto i) {
        constexpr float u = Spec::root[(K * n + decltype(i)::value) * n + decltype(j)::value];
        if constexpr (u != 0.0f) y += d[i] * u;
      });
      q += y * y;
    });
    return q;
  }

  static constexpr float distance_table(const input_type& x, std::size_t c) noexcept {
    std::array<float, n> d{};
    for (std::size_t i = 0; i < n; ++i) d[i] = x[i] - platform::flash_read(&Spec::means[c * n + i]);
    float q = 0.0f;
    for (std::size_t j = 0; j < n; ++j) {
      float y = 0.0f;
      for (std::size_t i = 0; i < n; ++i) {
        const float u = platform::flash_read(&Spec::root[(c * n + i) * n + j]);
        if (u != 0.0f) y += d[i] * u;
      }
      q += y * y;
    }
    return q;
  }

  // Every component's squared Mahalanobis distance, in component order.
  static constexpr std::array<float, k> distances(const input_type& x) noexcept {
    std::array<float, k> q{};
    if constexpr (unrolled) {
      ::ctml::detail::unroll<k>([&](auto c) { q[c] = distance_unrolled<decltype(c)::value>(x); });
    } else {
      for (std::size_t c = 0; c < k; ++c) q[c] = distance_table(x, c);
    }
    return q;
  }
};

}  // namespace detail

template <class Spec, class LayoutPolicy = layout::automatic>
struct gaussian_mixture
    : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, ::ctml::class_index_t<Spec::n_components>> {
  using core = detail::quadratic<Spec, LayoutPolicy>;
  using output_type = ::ctml::class_index_t<Spec::n_components>;
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, output_type>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::predict_proba;
  using guard::score_samples;
  using layout_type = typename core::layout_type;
  using feature_type = float;
  using input_type = typename core::input_type;
  static constexpr std::size_t n_features = core::n;
  static constexpr std::size_t n_components = core::k;
  static constexpr std::size_t n_classes = core::k;
  static_assert(sizeof(Spec::log_const) == sizeof(float) * core::k, "ctml: log_const must hold one float per component");
  static constexpr std::size_t ram_bytes = core::scratch_bytes + core::k * sizeof(float) + platform::call_frame_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = code_bytes + core::data_bytes + sizeof(Spec::log_const);  // code + constants

  // log(weight_k) + log N(x | component k): scikit-learn's _estimate_weighted_log_prob.
  static constexpr std::array<float, n_components> weighted_log_prob(const input_type& x) noexcept {
    const auto q = core::distances(x);
    std::array<float, n_components> s{};
    for (std::size_t c = 0; c < n_components; ++c) s[c] = platform::flash_read(&Spec::log_const[c]) - 0.5f * q[c];
    return s;
  }

  static constexpr output_type predict(const input_type& x) noexcept {
    return ::ctml::detail::argmax_first<output_type, n_components>(weighted_log_prob(x));
  }

  static constexpr std::array<float, n_components> predict_proba(const input_type& x) noexcept {
    auto s = weighted_log_prob(x);
    const float total = shifted_exp(s);
    for (float& v : s) v /= total;
    return s;
  }

  // log p(x): logsumexp of the weighted log-probabilities.
  static constexpr float score_samples(const input_type& x) noexcept {
    auto s = weighted_log_prob(x);
    const float top = max_of(s);
    return top + math::log(shifted_exp(s));
  }

 private:
  static constexpr float max_of(const std::array<float, n_components>& s) noexcept {
    float top = s[0];
    for (float v : s) top = v > top ? v : top;
    return top;
  }
  // s_k <- exp(s_k - max s), stable for any scores; returns their sum (>= 1).
  static constexpr float shifted_exp(std::array<float, n_components>& s) noexcept {
    const float top = max_of(s);
    float total = 0.0f;
    for (float& v : s) total += (v = math::exp(v - top));
    return total;
  }
};

template <class Spec, class LayoutPolicy = layout::automatic>
struct elliptic_envelope : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t> {
  using core = detail::quadratic<Spec, LayoutPolicy>;
  using output_type = std::uint8_t;  // index into (-1, 1): 0 outlier, 1 inlier
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, output_type>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::decision_function;
  using guard::score_samples;
  using layout_type = typename core::layout_type;
  using feature_type = float;
  using input_type = typename core::input_type;
  static_assert(core::k == 1, "ctml: an elliptic envelope has one location and precision");
  static constexpr std::size_t n_features = core::n;
  static constexpr std::size_t n_classes = 2;
  static constexpr std::size_t ram_bytes = core::scratch_bytes + platform::call_frame_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = code_bytes + core::data_bytes;  // code + constants

  // The squared Mahalanobis distance to the robust location (scikit-learn's mahalanobis).
  static constexpr float mahalanobis(const input_type& x) noexcept { return core::distances(x)[0]; }
  static constexpr float score_samples(const input_type& x) noexcept { return -mahalanobis(x); }
  static constexpr float decision_function(const input_type& x) noexcept { return -mahalanobis(x) - Spec::offset; }
  static constexpr output_type predict(const input_type& x) noexcept { return decision_function(x) >= 0.0f ? 1 : 0; }
};

}  // namespace ctml::mixture
