// One decision-tree node as codegen emits it, and the compile-time checks of a whole tree.
// Nodes are in preorder: the left child of node i is i + 1, the right child is `right`.
// A leaf has feature == leaf_feature and keeps its leaf code in `right`.
#pragma once
#include "../core/unroll.hpp"
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ctml::trees {

template <class Feature, class Threshold, class Child>
struct node {
  static_assert(std::is_unsigned_v<Feature> && std::is_unsigned_v<Child>,
                "ctml: node feature and child fields must be unsigned integers");
  using feature_type = Feature;
  using threshold_type = Threshold;
  using child_type = Child;
  Feature feature;
  Threshold threshold;
  Child right;
};

// The feature value that marks a leaf.
template <class Feature>
inline constexpr Feature leaf_feature = std::numeric_limits<Feature>::max();

// Set on the feature of a node whose missing values (NaN) go left (XGBoost's default direction);
// only models with `nan_aware == true` use it.
template <class Feature>
inline constexpr Feature default_left_bit = static_cast<Feature>(Feature{1} << (sizeof(Feature) * 8 - 2));

template <class Feature>
constexpr Feature feature_index(Feature f, bool nan_aware) noexcept {
  return nan_aware ? static_cast<Feature>(f & ~default_left_bit<Feature>) : f;
}

template <const auto& Nodes>
inline constexpr std::size_t size_of = sizeof(Nodes) / sizeof(Nodes[0]);

// A tree is well formed when every walk ends at a leaf inside the array, every feature exists
// and every leaf code is below n_codes. Checked at compile time, so a malformed model header is
// a readable compile error, and inference can index without bounds checks.
template <const auto& Nodes>
consteval bool well_formed(std::size_t n_features, std::size_t n_codes, bool nan_aware) {
  constexpr std::size_t n = size_of<Nodes>;
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& nd = Nodes[i];
    if (nd.feature == leaf_feature<F>) {
      if (static_cast<std::size_t>(nd.right) >= n_codes) return false;
      continue;
    }
    if (feature_index(nd.feature, nan_aware) >= n_features) return false;
    if (i + 1 >= n || static_cast<std::size_t>(nd.right) <= i + 1 || static_cast<std::size_t>(nd.right) >= n) return false;
  }
  return n > 0;
}

template <const auto&... Trees>
struct tree_list {
  static constexpr std::size_t size = sizeof...(Trees);
  // Sums as braced lists, not folds: clang stops a fold at 256 terms.
  static constexpr std::size_t node_count = ::ctml::detail::sum_of<std::size_t>({std::size_t{0}, size_of<Trees>...});
  static constexpr std::size_t bytes = ::ctml::detail::sum_of<std::size_t>({std::size_t{0}, sizeof(Trees)...});
};

}  // namespace ctml::trees
