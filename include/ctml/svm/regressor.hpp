// Kernel regressors: scikit-learn SVR and NuSVR, and ctml's relevance vector regressor (RVR),
// all f(x) = sum_i w_i K(x, v_i) + b.
#pragma once
#include <array>

#include "../core/input.hpp"
#include "expansion.hpp"

namespace ctml::svm {

template <class Spec, class LayoutPolicy = layout::automatic>
struct regressor : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float>;
  using guard::predict;  // any other input array: a readable compile error
  using core = detail::expansion<Spec, LayoutPolicy>;
  static_assert(Spec::kind == machine_kind::regression, "ctml: regressor needs a regression spec");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = float;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_support_vectors = core::n_sv;
  static constexpr std::size_t ram_bytes = sizeof(typename core::result_type) +
                                           (Spec::has_scaling ? sizeof(input_type) : 0) + core::frame_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = core::flash_bytes;  // code + constants

  static constexpr output_type predict(const input_type& x) noexcept { return core::to_real(core::decision(x)[0]); }
};

}  // namespace ctml::svm
