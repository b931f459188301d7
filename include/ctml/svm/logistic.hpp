// Kernel classifiers with a logistic link: ctml's relevance vector classifier (RVC, Tipping 2001).
// Binary (one coefficient row): f(x) = sum_i w_i K(x, v_i) + b; P(class 1) = 1 / (1 + exp(-f));
// predict is class 1 when f > 0. K > 2 classes (one-vs-rest, a row per class): f_k as above,
// predict is the first largest f_k, predict_proba the K logistics normalised to sum 1 (as
// scikit-learn's OneVsRestClassifier). The integer path computes each logistic with
// fixed_math::logistic_q15.
#pragma once
#include <array>
#include <cstdint>

#include "../core/argmax.hpp"
#include "../core/fixed_math.hpp"
#include "../core/input.hpp"
#include "../core/math.hpp"
#include "expansion.hpp"

namespace ctml::svm {

template <class Spec, class LayoutPolicy = layout::automatic>
struct logistic_classifier : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::decision_function;
  using guard::predict_proba;
  using core = detail::expansion<Spec, LayoutPolicy>;
  static_assert(Spec::kind == machine_kind::logistic, "ctml: logistic_classifier needs a logistic spec");
  static constexpr std::size_t n_outputs = core::n_outputs;
  static_assert(n_outputs == 1 || (n_outputs >= 3 && n_outputs <= 255),
                "ctml: a logistic machine has one coefficient row (two classes) or one row per class (3..255 "
                "classes, one-vs-rest); regenerate the model with ctml codegen");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = std::uint8_t;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_classes = n_outputs == 1 ? 2 : n_outputs;
  static constexpr std::size_t n_support_vectors = core::n_sv;
  static constexpr std::size_t ram_bytes = sizeof(typename core::result_type) +
                                           (Spec::has_scaling ? sizeof(input_type) : 0) + core::frame_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = core::flash_bytes;  // code + constants
  using proba_type = std::array<float, n_classes>;
  // scikit-learn's shape: one value when binary (> 0 means class 1), else one per class.
  using decision_type = std::conditional_t<n_outputs == 1, float, std::array<float, n_outputs>>;

  static constexpr output_type predict(const input_type& x) noexcept {
    if constexpr (n_outputs == 1) {
      return core::decision(x)[0] > 0 ? 1 : 0;
    } else {
      // The integer sums share one positive scale (out_scale): their order is the real values'.
      return ::ctml::detail::argmax_first<output_type, n_outputs>(core::decision(x));
    }
  }

  static constexpr decision_type decision_function(const input_type& x) noexcept {
    if constexpr (n_outputs == 1) {
      return core::to_real(core::decision(x)[0]);
    } else {
      const auto d = core::decision(x);
      decision_type f{};
      for (std::size_t k = 0; k < n_outputs; ++k) f[k] = core::to_real(d[k]);
      return f;
    }
  }

  static constexpr proba_type predict_proba(const input_type& x) noexcept {
    if constexpr (n_outputs == 1) {
      const float p1 = logistic(decision_function(x));
      return {1.0f - p1, p1};
    } else {
      const auto f = decision_function(x);
      proba_type p{};
      float sum = 0.0f;
      for (std::size_t k = 0; k < n_classes; ++k) sum += (p[k] = logistic(f[k]));
      // A NaN decision (float path) leaves no meaningful ranking: answer the uniform distribution.
      if (!(sum > 0.0f)) {
        p.fill(1.0f / static_cast<float>(n_classes));
        return p;
      }
      for (auto& v : p) v = v / sum;
      return p;
    }
  }

 private:
  // 1 / (1 + exp(-f)): float path math::sigmoid; integer path f in Q4.12 (saturated to +-8, where
  // the logistic is within 3.4e-4 of 0 or 1) through fixed_math::logistic_q15.
  static constexpr float logistic(float f) noexcept {
    if constexpr (core::is_float) {
      return math::sigmoid(f);
    } else {
      const float t = f * 4096.0f;
      const std::int16_t q = !(t > -32768.0f) ? std::int16_t{-32768} : (t >= 32767.0f ? std::int16_t{32767}
                                                                      : static_cast<std::int16_t>(t < 0 ? t - 0.5f : t + 0.5f));
      return static_cast<float>(fixed_math::logistic_q15(q)) * (1.0f / 32768.0f);
    }
  }
};

}  // namespace ctml::svm
