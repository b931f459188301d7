// Support vector classifiers (scikit-learn SVC and NuSVC): libsvm's one-vs-one vote. Each pair
// (i, j) votes for i when its decision value is > 0, else for j; the prediction is the first class
// with the most votes in libsvm's class order (ties go to the lower index), as libsvm's
// svm_predict does. decision_function has scikit-learn's 'ovo' and 'ovr' shapes. A model trained
// with probability=True also has predict_proba: libsvm's svm_predict_probability (a Platt sigmoid
// per pair, then Wu, Lin and Weng's pairwise coupling, solved by libsvm's fixed-point iteration),
// in float.
#pragma once
#include <array>
#include <cstdint>

#include "../core/argmax.hpp"
#include "../core/input.hpp"
#include "../core/math.hpp"
#include "../platform/flash.hpp"
#include "expansion.hpp"

namespace ctml::svm {

template <class Spec, class LayoutPolicy = layout::automatic>
struct svc : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::decision_function;
  using guard::predict_proba;
  using core = detail::expansion<Spec, LayoutPolicy>;
  static_assert(Spec::kind == machine_kind::ovo, "ctml: svc needs a one-vs-one spec (kind ovo)");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = std::uint8_t;
  using vote_type = std::uint8_t;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_classes = core::n_groups;
  static constexpr std::size_t n_pairs = core::n_outputs;
  static constexpr std::size_t n_support_vectors = core::n_sv;
  static_assert(n_classes >= 2 && n_classes <= 255, "ctml: a classifier needs 2..255 classes");
  static constexpr std::size_t ram_bytes = sizeof(typename core::result_type) + n_classes * sizeof(vote_type) +
                                           (Spec::has_scaling ? sizeof(input_type) : 0) + core::frame_bytes;
  static constexpr bool has_probability = [] {
    if constexpr (requires { Spec::has_probability; }) return Spec::has_probability;
    else return false;
  }();
  static constexpr std::size_t platt_bytes = [] {
    if constexpr (has_probability) return sizeof(Spec::prob_a) + sizeof(Spec::prob_b);
    else return std::size_t{0};
  }();
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = core::flash_bytes + platt_bytes;  // code + constants
  using proba_type = std::array<float, n_classes>;
  // scikit-learn's decision_function: one value when binary (> 0 means class 1), else one per
  // pair ('ovo') or per class ('ovr', the estimator's default).
  static constexpr std::size_t n_decision = n_classes == 2 ? 1 : (Spec::ovr_shape ? n_classes : n_pairs);

  static constexpr output_type predict(const input_type& x) noexcept {
    const auto d = core::decision(x);
    std::array<vote_type, n_classes> votes{};
    std::size_t p = 0;
    for (std::size_t i = 0; i < n_classes; ++i)
      for (std::size_t j = i + 1; j < n_classes; ++j, ++p) ++votes[d[p] > 0 ? i : j];
    return ::ctml::detail::argmax_first<output_type, n_classes>(votes);  // libsvm: ties to the lowest class
  }

  // libsvm's pairwise decision values (pair (i, j) > 0 favours i), in libsvm's pair order.
  static constexpr std::array<float, n_pairs> decision_function_ovo(const input_type& x) noexcept {
    const auto d = core::decision(x);
    std::array<float, n_pairs> r{};
    for (std::size_t p = 0; p < n_pairs; ++p) r[p] = core::to_real(d[p]);
    return r;
  }

  // scikit-learn's _ovr_decision_function: votes (a pair's value >= 0 counts for i) plus the
  // summed confidences squashed into (-1/3, 1/3).
  static constexpr std::array<float, n_classes> decision_function_ovr(const input_type& x) noexcept {
    const auto d = decision_function_ovo(x);
    std::array<float, n_classes> votes{}, conf{};
    std::size_t p = 0;
    for (std::size_t i = 0; i < n_classes; ++i)
      for (std::size_t j = i + 1; j < n_classes; ++j, ++p) {
        conf[i] = conf[i] + d[p];
        conf[j] = conf[j] - d[p];
        votes[d[p] < 0 ? j : i] += 1.0f;
      }
    for (std::size_t k = 0; k < n_classes; ++k) {
      const float a = conf[k] < 0 ? -conf[k] : conf[k];
      votes[k] = votes[k] + conf[k] / (3.0f * (a + 1.0f));
    }
    return votes;
  }

  // scikit-learn's predict_proba (SVC/NuSVC with probability=True). Its argmax need not be
  // predict's class (the vote), as in scikit-learn. Stack: about 2 n_classes^2 + 4 n_classes floats.
  template <bool P = has_probability>
  static constexpr proba_type predict_proba(const input_type& x) noexcept {
    static_assert(P, "ctml: this SVC was trained without probability=True, so it has no predict_proba; refit it "
                     "with probability=True and regenerate the model");
    static_assert(n_classes <= 32, "ctml: predict_proba of an SVC supports up to 32 classes (its coupling matrix)");
    const auto d = decision_function_ovo(x);
    constexpr float min_prob = 1e-7f;
    std::array<std::array<float, n_classes>, n_classes> r{};  // r[i][j]: P(i | i or j)
    std::size_t p = 0;
    for (std::size_t i = 0; i < n_classes; ++i)
      for (std::size_t j = i + 1; j < n_classes; ++j, ++p) {
        const float f = d[p] * platform::flash_read(&Spec::prob_a[p]) + platform::flash_read(&Spec::prob_b[p]);
        // libsvm's sigmoid_predict, stable on both sides. A NaN decision value (a NaN input on the
        // float path) counts as no preference: 0.5.
        float s = f >= 0 ? math::exp(-f) / (1.0f + math::exp(-f)) : 1.0f / (1.0f + math::exp(f));
        s = s == s ? (s < min_prob ? min_prob : (s > 1 - min_prob ? 1 - min_prob : s)) : 0.5f;
        r[i][j] = s;
        r[j][i] = 1 - s;
      }
    proba_type prob{};
    couple(r, prob);  // with two classes too: scikit-learn's libsvm couples them (newer libsvm returns r[0][1])
    return prob;
  }

  static constexpr std::array<float, n_decision> decision_function(const input_type& x) noexcept {
    if constexpr (n_classes == 2) {
      return {-decision_function_ovo(x)[0]};  // scikit-learn flips libsvm's sign when binary
    } else if constexpr (Spec::ovr_shape) {
      return decision_function_ovr(x);
    } else {
      return decision_function_ovo(x);
    }
  }

 private:
  // libsvm's multiclass_probability: minimise p^T Q p subject to sum p = 1, by its fixed-point
  // updates, stopping when every |(Q p)_t - p^T Q p| < 0.005 / k or after max(100, k) rounds.
  static constexpr void couple(const std::array<std::array<float, n_classes>, n_classes>& r, proba_type& p) noexcept {
    constexpr std::size_t k = n_classes;
    std::array<std::array<float, k>, k> Q{};
    std::array<float, k> Qp{};
    for (std::size_t t = 0; t < k; ++t) {
      p[t] = 1.0f / k;
      Q[t][t] = 0;
      for (std::size_t j = 0; j < t; ++j) {
        Q[t][t] += r[j][t] * r[j][t];
        Q[t][j] = Q[j][t];
      }
      for (std::size_t j = t + 1; j < k; ++j) {
        Q[t][t] += r[j][t] * r[j][t];
        Q[t][j] = -r[j][t] * r[t][j];
      }
    }
    const std::size_t max_iter = k > 100 ? k : 100;
    const float eps = 0.005f / k;
    for (std::size_t iter = 0; iter < max_iter; ++iter) {
      float pQp = 0;
      for (std::size_t t = 0; t < k; ++t) {
        Qp[t] = 0;
        for (std::size_t j = 0; j < k; ++j) Qp[t] += Q[t][j] * p[j];
        pQp += p[t] * Qp[t];
      }
      float max_error = 0;
      for (std::size_t t = 0; t < k; ++t) {
        const float e = Qp[t] - pQp < 0 ? pQp - Qp[t] : Qp[t] - pQp;
        max_error = e > max_error ? e : max_error;
      }
      if (max_error < eps) break;
      for (std::size_t t = 0; t < k; ++t) {
        const float diff = (-Qp[t] + pQp) / Q[t][t];
        p[t] += diff;
        pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
        for (std::size_t j = 0; j < k; ++j) {
          Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff);
          p[j] /= (1 + diff);
        }
      }
    }
  }
};

}  // namespace ctml::svm
