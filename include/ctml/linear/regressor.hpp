// Linear regressors: LinearRegression, Ridge, Lasso, ElasticNet, LinearSVR, SGDRegressor, the
// Bayesian, robust and cross-validated linear models, linear-kernel SVR/NuSVR in primal form (one
// output). predict is the real score bias + w . x; on integer inputs the int32 accumulator is
// scaled back to real units once, at the end. A spec with link_kind = link::log (scikit-learn's
// PoissonRegressor, GammaRegressor, TweedieRegressor with link='log') predicts exp(score) and
// gives the score itself as decision_function.
#pragma once
#include <limits>
#include <array>
#include <cstddef>

#include "../core/input.hpp"
#include "../core/math.hpp"
#include "../core/layout.hpp"
#include "../platform/target.hpp"
#include "scores.hpp"

namespace ctml::linear {

// How a regressor's score becomes its prediction (scikit-learn's link functions).
enum class link { identity, log };

namespace detail {
template <class Spec>
consteval link link_of() {
  if constexpr (requires { Spec::link_kind; }) return Spec::link_kind;
  else return link::identity;
}
}  // namespace detail

template <class Spec, class LayoutPolicy = layout::automatic>
struct linear_regressor : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float> {
  using core = detail::scores<Spec, LayoutPolicy>;
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::decision_function;
  static_assert(Spec::n_outputs == 1, "ctml: linear_regressor predicts one output");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = float;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t ram_bytes = sizeof(typename core::accum_type) + platform::call_frame_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = core::flash_bytes;  // code + constants

  static constexpr link link_kind = detail::link_of<Spec>();

  // The linear score bias + w . x (the linear predictor before the link).
  static constexpr float decision_function(const input_type& x) noexcept {
    const auto s = core::compute_finite(x);  // finite for every finite input, saturated at +-FLT_MAX
    return core::to_real(s.s[0], s.scale);
  }

  static constexpr output_type predict(const input_type& x) noexcept {
    if constexpr (link_kind == link::log) {
      const float y = math::exp(decision_function(x));  // saturated at FLT_MAX (exp overflows above ~88.7)
      return y > std::numeric_limits<float>::max() ? std::numeric_limits<float>::max() : y;
    }
    else return decision_function(x);
  }
};

}  // namespace ctml::linear
