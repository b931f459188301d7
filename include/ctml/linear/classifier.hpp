// Linear classifiers: LogisticRegression, LinearSVC, SGDClassifier, Perceptron, RidgeClassifier.
// predict is scikit-learn's rule: one score -> class 1 when it is > 0; one score per class -> the
// first class with the largest score (numpy's argmax). decision_function gives the real scores and
// predict_proba the framework's probabilities (when the estimator has them, Spec::proba_kind).
// A spec with `ovo = true` holds one score per class pair (i, j) in libsvm's order instead: the
// primal form of a linear-kernel SVC/NuSVC (w_p = sum_i alpha_i v_i, computed by codegen in
// float64), and predict is libsvm's one-vs-one vote (a pair's score > 0 votes for i, else for j;
// the first class with the most votes wins).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/argmax.hpp"
#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../platform/target.hpp"
#include "proba.hpp"
#include "scores.hpp"

namespace ctml::linear {

template <class Spec, class LayoutPolicy = layout::automatic>
struct linear_classifier
    : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>,
                                  ::ctml::class_index_t<Spec::n_classes>> {
  using core = detail::scores<Spec, LayoutPolicy>;
  using output_type = ::ctml::class_index_t<Spec::n_classes>;
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, output_type>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::decision_function;
  using guard::predict_proba;
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_classes = Spec::n_classes;
  static constexpr std::size_t n_scores = core::n_outputs;
  static constexpr bool ovo = [] {
    if constexpr (requires { Spec::ovo; }) return static_cast<bool>(Spec::ovo);
    else return false;
  }();
  static_assert(n_classes >= 2 && (!ovo || n_classes <= 255), "ctml: a classifier needs at least two classes (ovo: at most 255)");
  static_assert(ovo ? n_scores == n_classes * (n_classes - 1) / 2 : n_scores == (n_classes == 2 ? 1 : n_classes),
                "ctml: a linear classifier has one score row for two classes, else one per class (ovo: one per class pair)");
  static constexpr std::size_t ram_bytes = 2 * n_scores * sizeof(typename core::accum_type) + (ovo ? n_classes : 0) +
                                           platform::call_frame_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = core::flash_bytes;  // code + constants

  static constexpr output_type predict(const input_type& x) noexcept {
    const auto s = core::ordered(x);  // scaled or not, the signs and order are the scores'
    if constexpr (ovo) {
      std::array<std::uint8_t, n_classes> votes{};
      std::size_t p = 0;
      for (std::size_t i = 0; i < n_classes; ++i)
        for (std::size_t j = i + 1; j < n_classes; ++j, ++p) ++votes[s[p] > 0 ? i : j];
      return ::ctml::detail::argmax_first<output_type, n_classes>(votes);  // libsvm: ties to the lowest class
    } else if constexpr (n_scores == 1) {
      return s[0] > 0 ? 1 : 0;
    } else {
      return ::ctml::detail::argmax_first<output_type, n_scores>(s);
    }
  }

  static constexpr std::array<float, n_scores> decision_function(const input_type& x) noexcept {
    const auto s = core::compute_finite(x);
    std::array<float, n_scores> r{};
    for (std::size_t k = 0; k < n_scores; ++k) r[k] = core::to_real(s.s[k], s.scale);
    return r;
  }

  static constexpr std::array<float, n_classes> predict_proba(const input_type& x) noexcept {
    static_assert(Spec::proba_kind != proba::none && !ovo,
                  "ctml: this estimator has no predict_proba in scikit-learn (LinearSVC, Perceptron, RidgeClassifier, "
                  "SGDClassifier with a hinge loss, a linear-kernel SVC without probability=True); use decision_function");
    if constexpr (Spec::proba_kind == proba::none || ovo) return {};
    else {
      const auto s = core::compute_finite(x);
      std::array<float, n_scores> r{};
      for (std::size_t k = 0; k < n_scores; ++k) r[k] = core::to_real(s.s[k], s.scale);
      std::array<float, n_scores> scaled{};
      for (std::size_t k = 0; k < n_scores; ++k) scaled[k] = core::to_real(s.s[k]);
      return detail::probabilities<Spec::proba_kind, n_classes>(r, scaled, s.scale);
    }
  }
};

}  // namespace ctml::linear
