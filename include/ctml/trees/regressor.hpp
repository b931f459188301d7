// Regression trees and ensembles: DecisionTreeRegressor, RandomForest- and ExtraTreesRegressor
// (the mean of the trees, Spec::average = true) and GradientBoostingRegressor / XGBRegressor
// (init + the sum of the trees, average = false). Single-output regression. A spec may set
// link: output_link::exp (LightGBM poisson, gamma, tweedie: predict = exp(raw)) or
// output_link::logistic (LightGBM cross_entropy: predict = sigmoid(raw)). A spec with
// median_weights is an AdaBoostRegressor: predict is the weighted median of the trees' values.
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <type_traits>

#include "../core/input.hpp"
#include "../core/layout.hpp"
#include "../core/math.hpp"
#include "../platform/code_size.hpp"
#include "../platform/flash.hpp"
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
  using value_type = typename core::value_type;
  using output_type = float;
  static constexpr std::size_t n_features = core::n_features;
  static constexpr std::size_t n_trees = core::n_trees;

  static constexpr bool weighted_median = requires { Spec::median_weights; };
  using order_type = std::conditional_t<(core::n_trees <= 0x100), std::uint8_t, std::uint16_t>;
  using pos_type = std::conditional_t<(core::n_trees < 0x100), std::uint8_t, std::uint16_t>;  // up to n_trees
  // The median's scratch: every tree's key and the tree it came from.
  static constexpr std::size_t median_ram = weighted_median ? n_trees * (sizeof(std::int32_t) + sizeof(order_type)) : 0;
  static constexpr std::size_t median_data = [] {
    if constexpr (weighted_median) return sizeof(Spec::median_weights);
    else return std::size_t{0};
  }();
  static constexpr std::size_t ram_bytes = core::ram_bytes + median_ram;
  static constexpr std::size_t code_bytes =  // estimated (platform/code_size.hpp)
      core::code_bytes + (weighted_median ? platform::code_bytes(core::traits::unrolled ? platform::costs.median.unrolled
                                                                                  : platform::costs.median.table,
                                                           n_trees)
                                        : 0);
  static constexpr std::size_t flash_bytes = code_bytes + core::data_bytes + median_data;  // code + constants

  static constexpr output_link link = [] {
    if constexpr (requires { Spec::link; }) return Spec::link;
    else return output_link::identity;
  }();

  static constexpr output_type predict(const input_type& x) noexcept {
    if constexpr (weighted_median) return core::to_real(median(x));
    const float sum = core::to_real(core::raw(x)[0]);
    const float raw = Spec::average ? sum / static_cast<float>(n_trees) : sum;
    if constexpr (link == output_link::exp) return math::exp(raw);
    else if constexpr (link == output_link::logistic) return math::sigmoid(raw);
    else return raw;
  }

  // AdaBoost.R2 (Drucker 1997) as scikit-learn predicts: sort the trees by value and return the
  // first value at which the running sum of their weights reaches half the total. Found without a
  // full sort by a weighted quickselect (Hoare's FIND with a three-way partition): expected ~3
  // passes over the trees, each element's weight read from flash. Weights are integers (codegen
  // scales scikit-learn's float64 weights and checks every given input), so the comparisons are
  // exact; keys order float values by their bit patterns, a cheap integer compare.
  static constexpr value_type median(const input_type& x) noexcept
    requires weighted_median
  {
    std::array<std::int32_t, n_trees> key{};
    core::for_each_leaf(x, [&](auto t, value_type leaf) { key[decltype(t)::value] = sort_key(leaf); });
    std::array<order_type, n_trees> tree{};
    for (std::size_t i = 0; i < n_trees; ++i) tree[i] = static_cast<order_type>(i);
    std::uint32_t need = Spec::median_half;  // weight still to reach, from the low end of [lo, hi]
    pos_type lo = 0, hi = n_trees - 1;
    while (lo < hi) {
      const std::int32_t pivot = key[lo + (hi - lo) / 2];
      pos_type lt = lo, i = lo, gt = hi + 1;  // [lo, lt) < pivot, [lt, i) == pivot, [gt, hi] > pivot
      std::uint32_t below = 0;
      while (i < gt) {
        const std::int32_t k = key[i];
        if (k < pivot) {
          below += weight(tree[i]);
          swap(key, tree, i++, lt++);
        } else if (k > pivot) {
          swap(key, tree, i, --gt);
        } else {
          ++i;
        }
      }
      if (need <= below) {
        hi = lt - 1;  // lt > lo here: the weight below the pivot is positive
        continue;
      }
      need -= below;
      for (pos_type e = lt; e < gt; ++e) {  // the pivot's equals (usually one tree)
        const std::uint32_t w = weight(tree[e]);
        if (need <= w) return from_key(pivot);
        need -= w;
      }
      if (gt > hi) return from_key(key[hi]);  // only reached by rounding; codegen checks inputs
      lo = gt;
    }
    return from_key(key[lo]);
  }

 private:
  // IEEE-754 bits as a signed integer order: flip the magnitude bits of negatives (an involution).
  static constexpr std::int32_t sort_key(value_type v) noexcept {
    if constexpr (std::is_same_v<value_type, float>) {
      const auto b = std::bit_cast<std::int32_t>(v);
      return b < 0 ? static_cast<std::int32_t>(b ^ 0x7FFFFFFF) : b;
    } else {
      return v;
    }
  }
  static constexpr value_type from_key(std::int32_t k) noexcept {
    if constexpr (std::is_same_v<value_type, float>) return std::bit_cast<float>(k < 0 ? static_cast<std::int32_t>(k ^ 0x7FFFFFFF) : k);
    else return k;
  }
  static constexpr std::uint32_t weight(order_type t) noexcept { return platform::flash_read(&Spec::median_weights[t]); }
  static constexpr void swap(std::array<std::int32_t, n_trees>& key, std::array<order_type, n_trees>& tree,
                             pos_type a, pos_type b) noexcept {
    const std::int32_t k = key[a];
    key[a] = key[b];
    key[b] = k;
    const order_type t = tree[a];
    tree[a] = tree[b];
    tree[b] = t;
  }
  static consteval bool median_weights_fit() {
    if constexpr (weighted_median) {
      unsigned long long total = 0;
      for (auto w : Spec::median_weights) total += w;
      return sizeof(Spec::median_weights) / sizeof(Spec::median_weights[0]) == n_trees && total < 0x80000000ull &&
             Spec::median_half == (total + 1) / 2;
    } else {
      return true;
    }
  }
  static_assert(median_weights_fit(), "ctml: median_weights must hold one weight per tree, sum below 2^31, "
                                      "and median_half must be half their sum rounded up; regenerate the model header");
};

}  // namespace ctml::trees
