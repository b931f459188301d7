// One-class SVM (scikit-learn OneClassSVM): decision_function f(x) = sum_i a_i K(x, v_i) + b,
// score_samples = f + offset_, predict +1 (inlier) when f > 0, else -1, as libsvm decides.
#pragma once
#include <cstdint>

#include "../core/input.hpp"
#include "expansion.hpp"

namespace ctml::svm {

template <class Spec, class LayoutPolicy = layout::automatic>
struct one_class : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::int8_t> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::int8_t>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::decision_function;
  using guard::score_samples;
  using core = detail::expansion<Spec, LayoutPolicy>;
  static_assert(Spec::kind == machine_kind::one_class, "ctml: one_class needs a one-class spec");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = std::int8_t;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_support_vectors = core::n_sv;
  static constexpr std::size_t ram_bytes = sizeof(typename core::result_type) +
                                           (Spec::has_scaling ? sizeof(input_type) : 0) + core::frame_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = core::flash_bytes;  // code + constants

  static constexpr output_type predict(const input_type& x) noexcept { return core::decision(x)[0] > 0 ? 1 : -1; }
  static constexpr float decision_function(const input_type& x) noexcept { return core::to_real(core::decision(x)[0]); }
  static constexpr float score_samples(const input_type& x) noexcept { return decision_function(x) + Spec::score_offset; }
};

}  // namespace ctml::svm
