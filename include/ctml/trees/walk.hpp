// Walking one tree to its leaf code, in the two layouts: unrolled (the tree becomes nested ifs
// whose constants are immediates) and table (a loop over the node array read from flash).
// Both take the same decisions: x <= threshold goes left; NaN goes right unless the node's
// default-left bit is set in a nan_aware model.
#pragma once
#include <cstddef>

#include "../platform/flash.hpp"
#include "../core/layout.hpp"
#include "node.hpp"

namespace ctml::trees::detail {

template <bool NanAware, class X, class T>
[[gnu::always_inline]] constexpr bool goes_left(X x, T threshold, bool default_left) noexcept {
  if constexpr (NanAware) {
    return default_left ? !(x > threshold) : (x <= threshold);
  } else {
    (void)default_left;
    return x <= threshold;
  }
}

// Recursion is as deep as the tree, one instantiation per node.
// Leaf is the model's leaf policy: Leaf::at<Code>() gives a leaf's payload as a constant (an
// immediate in unrolled code), Leaf::load(code) reads it at run time (from flash in table code).
template <const auto& Nodes, std::size_t I, bool NanAware, class Leaf, class Input>
[[gnu::always_inline]] constexpr auto walk_unrolled(const Input& x) noexcept {
  constexpr auto nd = Nodes[I];
  using F = decltype(nd.feature);
  if constexpr (nd.feature == leaf_feature<F>) {
    return Leaf::template at<nd.right>();
  } else {
    constexpr F f = feature_index(nd.feature, NanAware);
    constexpr bool dl = NanAware && (nd.feature & default_left_bit<F>) != 0;
    if (goes_left<NanAware>(x[f], nd.threshold, dl)) return walk_unrolled<Nodes, I + 1, NanAware, Leaf>(x);
    return walk_unrolled<Nodes, nd.right, NanAware, Leaf>(x);
  }
}

template <const auto& Nodes, bool NanAware, class Leaf, class Input>
constexpr auto walk_table(const Input& x) noexcept {
  using platform::flash_read;
  using C = decltype(Nodes[0].right);
  using F = decltype(Nodes[0].feature);
  C i = 0;
  for (;;) {
    const F raw = flash_read(&Nodes[i].feature);
    if (raw == leaf_feature<F>) return Leaf::load(flash_read(&Nodes[i].right));
    const F f = feature_index(raw, NanAware);
    const bool dl = NanAware && (raw & default_left_bit<F>) != 0;
    i = goes_left<NanAware>(x[f], flash_read(&Nodes[i].threshold), dl) ? static_cast<C>(i + 1)
                                                                         : flash_read(&Nodes[i].right);
  }
}

template <class Layout, const auto& Nodes, bool NanAware, class Leaf, class Input>
[[gnu::always_inline]] constexpr auto walk(const Input& x) noexcept {
  if constexpr (std::is_same_v<Layout, layout::unrolled>) return walk_unrolled<Nodes, 0, NanAware, Leaf>(x);
  else return walk_table<Nodes, NanAware, Leaf>(x);
}

}  // namespace ctml::trees::detail
