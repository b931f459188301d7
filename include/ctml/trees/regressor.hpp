// Regression trees and ensembles: DecisionTreeRegressor, RandomForest- and ExtraTreesRegressor
// (the mean of the trees, Spec::average = true) and GradientBoostingRegressor / XGBRegressor
// (init + the sum of the trees, average = false). Single-output regression. A spec may set
// link: output_link::exp (LightGBM poisson, gamma, tweedie: predict = exp(raw)) or
// output_link::logistic (LightGBM cross_entropy: predict = sigmoid(raw)).
#pragma once
#include <array>
#include <type_traits>

#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../core/math.hpp"
#include "additive.hpp"

namespace ctml::trees {

enum class output_link { identity, exp, logistic };

template <class Spec, class LayoutPolicy = layout::automatic>
struct tree_regressor : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, float>;
  using guard::predict;  // any other input array: a readable compile error
  using core = detail::additive<Spec, LayoutPolicy>;
  static_assert(Spec::n_outputs == 1, "ctml: tree_regressor predicts one output");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = float;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_trees = core::n_trees;
  static constexpr std::size_t ram_bytes = core::ram_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = core::flash_bytes;  // code + constants

  static constexpr output_link link = [] {
    if constexpr (requires { Spec::link; }) return Spec::link;
    else return output_link::identity;
  }();

  static constexpr output_type predict(const input_type& x) noexcept {
    const float sum = core::to_real(core::raw(x)[0]);
    const float raw = Spec::average ? sum / static_cast<float>(n_trees) : sum;
    if constexpr (link == output_link::exp) return math::exp(raw);
    else if constexpr (link == output_link::logistic) return math::sigmoid(raw);
    else return raw;
  }
};

}  // namespace ctml::trees
