// Boosted tree classifiers: GradientBoostingClassifier and XGBClassifier. Binary models have one
// raw score (class 1 when it is positive, as scikit-learn's argmax of [1 - p, p] and XGBoost's
// p > 0.5 decide); multiclass models have one score per class and predict the first maximum.
// A spec may set proba_gain: predict_proba is sigmoid(proba_gain * score) when binary
// (GradientBoostingClassifier(loss='exponential') takes expit(2 raw)) and softmax(proba_gain *
// scores) otherwise (AdaBoostClassifier: softmax(scores / (K - 1))); the default is 1. A spec with
// one_vs_rest (LightGBM multiclassova) has one binary model per class: predict_proba is
// sigmoid(proba_gain * score) for each class, not normalised, as LightGBM gives it. A spec with
// proba_linear (VotingClassifier(voting='soft') over tree classifiers: the leaves hold weighted class
// probabilities) has probabilities for scores: predict_proba is the scores (binary: p1 = (1 + s) / 2).
#pragma once
#include <array>
#include <cstdint>
#include <type_traits>

#include "../core/argmax.hpp"
#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../core/math.hpp"
#include "additive.hpp"

namespace ctml::trees {

template <class Spec, class LayoutPolicy = layout::automatic>
struct boosted_classifier : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::decision_function;
  using guard::predict_proba;
  using core = detail::additive<Spec, LayoutPolicy>;
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = std::uint8_t;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_classes = Spec::n_classes;
  static constexpr std::size_t n_trees = core::n_trees;
  static constexpr std::size_t ram_bytes = core::ram_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = core::flash_bytes;  // code + constants
  static_assert(n_classes >= 2 && n_classes <= 255, "ctml: a classifier needs 2..255 classes");
  static_assert(Spec::n_outputs == (n_classes == 2 ? 1 : n_classes),
                "ctml: a boosted classifier has one output when binary, else one per class");
  using decision_type = std::array<float, Spec::n_outputs>;
  static constexpr float proba_gain = [] {
    if constexpr (requires { Spec::proba_gain; }) return static_cast<float>(Spec::proba_gain);
    else return 1.0f;
  }();
  using proba_type = std::array<float, n_classes>;
  static constexpr bool one_vs_rest = [] {
    if constexpr (requires { Spec::one_vs_rest; }) return static_cast<bool>(Spec::one_vs_rest);
    else return false;
  }();
  static constexpr bool proba_linear = [] {
    if constexpr (requires { Spec::proba_linear; }) return static_cast<bool>(Spec::proba_linear);
    else return false;
  }();

  static constexpr output_type predict(const input_type& x) noexcept {
    const auto r = core::raw(x);
    if constexpr (n_classes == 2) {
      return r[0] > 0 ? 1 : 0;
    } else {
      return ::ctml::detail::argmax_first<output_type, n_classes>(r);
    }
  }

  static constexpr decision_type decision_function(const input_type& x) noexcept {
    const auto r = core::raw(x);
    decision_type d{};
    for (std::size_t k = 0; k < d.size(); ++k) d[k] = core::to_real(r[k]);
    return d;
  }

  // The logistic of proba_gain times the score when binary, the softmax of proba_gain times the
  // scores otherwise.
  static constexpr proba_type predict_proba(const input_type& x) noexcept {
    const auto d = decision_function(x);
    proba_type p{};
    if constexpr (proba_linear && n_classes == 2) {
      p[1] = 0.5f * (1.0f + d[0]);
      p[0] = 1.0f - p[1];
    } else if constexpr (proba_linear) {
      for (std::size_t k = 0; k < n_classes; ++k) p[k] = d[k];
    } else if constexpr (n_classes == 2) {
      p[1] = math::sigmoid(proba_gain == 1.0f ? d[0] : proba_gain * d[0]);
      p[0] = 1.0f - p[1];
    } else if constexpr (one_vs_rest) {
      for (std::size_t k = 0; k < n_classes; ++k) p[k] = math::sigmoid(proba_gain == 1.0f ? d[k] : proba_gain * d[k]);
    } else {
      float top = d[0];
      for (float v : d) top = v > top ? v : top;
      float sum = 0.0f;
      for (std::size_t k = 0; k < n_classes; ++k) {
        sum += (p[k] = math::exp(proba_gain == 1.0f ? d[k] - top : proba_gain * (d[k] - top)));
      }
      for (auto& v : p) v /= sum;
    }
    return p;
  }
};

}  // namespace ctml::trees
