// Binary kernel classifiers with a logistic link: ctml's relevance vector classifier (RVC,
// Tipping 2001). f(x) = sum_i w_i K(x, v_i) + b; P(class 1) = 1 / (1 + exp(-f)); predict is
// class 1 when f > 0. The integer path computes the probability with fixed_math::logistic_q15.
#pragma once
#include <array>
#include <cstdint>

#include "../core/fixed_math.hpp"
#include "../core/input.hpp"
#include "../core/math.hpp"
#include "expansion.hpp"

namespace ctml::svm {

template <class Spec, class LayoutPolicy = layout::automatic>
struct logistic_classifier : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::uint8_t>;
  using guard::predict;  // any other input array: a readable compile error
  using core = detail::expansion<Spec, LayoutPolicy>;
  static_assert(Spec::kind == machine_kind::logistic, "ctml: logistic_classifier needs a logistic spec");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = std::uint8_t;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_classes = 2;
  static constexpr std::size_t n_support_vectors = core::n_sv;
  static constexpr std::size_t ram_bytes = sizeof(typename core::result_type) +
                                           (Spec::has_scaling ? sizeof(input_type) : 0) + core::frame_bytes;
  static constexpr std::size_t flash_bytes = core::flash_bytes;

  static constexpr output_type predict(const input_type& x) noexcept { return core::decision(x)[0] > 0 ? 1 : 0; }
  static constexpr float decision_function(const input_type& x) noexcept { return core::to_real(core::decision(x)[0]); }

  static constexpr std::array<float, 2> predict_proba(const input_type& x) noexcept {
    float p1;
    if constexpr (core::is_float) {
      p1 = math::sigmoid(decision_function(x));
    } else {
      // f in Q4.12 (saturated to +-8, where the logistic is within 3.4e-4 of 0 or 1).
      const float f = decision_function(x) * 4096.0f;
      const std::int16_t q = !(f > -32768.0f) ? std::int16_t{-32768} : (f >= 32767.0f ? std::int16_t{32767}
                                                                      : static_cast<std::int16_t>(f < 0 ? f - 0.5f : f + 0.5f));
      p1 = static_cast<float>(fixed_math::logistic_q15(q)) * (1.0f / 32768.0f);
    }
    return {1.0f - p1, p1};
  }
};

}  // namespace ctml::svm
