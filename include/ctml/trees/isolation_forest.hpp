// IsolationForest (Liu, Ting and Zhou 2008, as scikit-learn implements it). Each leaf holds its
// depth plus the average path length c(n) of the samples left in it, so the forest sums path
// lengths. predict compares that sum with a threshold codegen derives from offset_, with no
// exponential; score_samples is -2^(-mean path / c(max_samples)) through ctml::math::exp2.
#pragma once
#include <array>
#include <cstdint>
#include <type_traits>

#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../core/math.hpp"
#include "additive.hpp"

namespace ctml::trees {

template <class Spec, class LayoutPolicy = layout::automatic>
struct isolation_forest : ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::int8_t> {
  using guard = ::ctml::detail::input_guard<::ctml::detail::input_of<Spec>, std::int8_t>;
  using guard::predict;  // any other input array: a readable compile error
  using guard::decision_function;
  using guard::score_samples;
  using core = detail::additive<Spec, LayoutPolicy, detail::ensemble_kind::path>;
  static_assert(Spec::n_outputs == 1, "ctml: an isolation forest has one output");
  using layout_type = typename core::layout_type;
  using feature_type = typename core::feature_type;
  using input_type = typename core::input_type;
  using output_type = std::int8_t;  // 1 inlier, -1 outlier, as scikit-learn
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_trees = core::n_trees;
  static constexpr std::size_t ram_bytes = core::ram_bytes;
  static constexpr std::size_t code_bytes = core::code_bytes;  // estimated (platform/code_size.hpp)
  static constexpr std::size_t flash_bytes = core::flash_bytes;  // code + constants

  // Inlier when the summed path length reaches Spec::inlier_min_sum (scaled like the leaves).
  static constexpr output_type predict(const input_type& x) noexcept {
    return core::raw(x)[0] >= Spec::inlier_min_sum ? 1 : -1;
  }

  static constexpr float score_samples(const input_type& x) noexcept {
    const float mean = core::to_real(core::raw(x)[0]) / static_cast<float>(n_trees);
    return -math::exp2(-mean / Spec::average_path_length);
  }

  static constexpr float decision_function(const input_type& x) noexcept {
    return score_samples(x) - Spec::offset;
  }
};

}  // namespace ctml::trees
