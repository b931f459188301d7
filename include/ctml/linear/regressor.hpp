// Linear regressors: LinearRegression, Ridge, Lasso, ElasticNet, LinearSVR, SGDRegressor (one
// output). predict is the real score bias + w . x; on integer inputs the int32 accumulator is
// scaled back to real units once, at the end.
#pragma once
#include <array>
#include <cstddef>

#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../platform/target.hpp"
#include "scores.hpp"

namespace ctml::linear {

template <class Spec, class LayoutPolicy = layout::automatic>
struct linear_regressor : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float> {
  using core = detail::scores<Spec, LayoutPolicy>;
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float>;
  using guard::predict;  // any other input array: a readable compile error
  static_assert(Spec::n_outputs == 1, "ctml: linear_regressor predicts one output");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = float;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t ram_bytes = sizeof(typename core::accum_type) + platform::call_frame_bytes;
  static constexpr std::size_t flash_bytes = core::flash_bytes;

  static constexpr output_type predict(const input_type& x) noexcept { return core::to_real(core::compute(x)[0]); }
};

}  // namespace ctml::linear
