// Walking one tree to its leaf code, in the two layouts: unrolled (the tree becomes nested ifs
// whose constants are immediates) and table (a loop over the node array read from flash).
// Both take the same decisions: x <= threshold goes left; NaN goes right unless the node's
// default-left bit is set in a nan_aware model.
#pragma once
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../platform/flash.hpp"
#include "../platform/load.hpp"
#include "../platform/target.hpp"
#include "../core/layout.hpp"
#include "node.hpp"
#include "walk_avr.hpp"

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

// Float inputs to unrolled trees on targets without an FPU (AVR): x <= t decided on the IEEE-754
// bit patterns as integers, exactly as the float comparison (scikit-learn's float32 decision) for every input,
// NaN included. A float compare is a call of __lesf2 there (~60 cycles a node with the moves);
// this is two to four 32-bit integer compares. With b, T the bit patterns of x and t (a -0
// threshold taken as +0, which compares equal): for t >= +0, x <= t iff b <= T as signed integers
// (negative x have negative patterns); for t < 0, x <= t iff b >= T as unsigned integers (a larger
// negative pattern is a larger magnitude). A NaN must go right (x <= t is false for it): positive
// NaNs (0x7f800001..0x7fffffff) already do, negative ones (above 0xff800000 unsigned) are
// excluded by one unsigned compare, made only where the first test said left.
inline constexpr bool bitwise_float_compare = platform::is_avr;

[[gnu::always_inline]] constexpr std::uint32_t threshold_bits(float t) noexcept {
  const auto b = std::bit_cast<std::uint32_t>(t);
  return (b & 0x7fffffffu) == 0 ? 0u : b;
}
[[gnu::always_inline]] constexpr bool le_bits(std::uint32_t b, std::uint32_t t) noexcept {
  constexpr std::uint32_t minus_inf = 0xff800000u;
  if (static_cast<std::int32_t>(t) >= 0)
    return static_cast<std::int32_t>(b) <= static_cast<std::int32_t>(t) && (static_cast<std::int32_t>(b) >= 0 || b <= minus_inf);
  return b >= t && b <= minus_inf;
}

// Node counts of every subtree (children follow their parent in preorder, so one backward pass).
template <const auto& Nodes>
inline constexpr auto subtree_sizes = [] {
  constexpr std::size_t n = size_of<Nodes>;
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  std::array<std::size_t, n> size{};
  for (std::size_t i = n; i-- > 0;)
    size[i] = Nodes[i].feature == leaf_feature<F> ? 1 : 1 + size[i + 1] + size[Nodes[i].right];
  return size;
}();

// The narrowest unsigned type holding every leaf code of a tree: a leaf then costs one
// load-immediate on 8-bit targets.
template <const auto& Nodes>
inline constexpr std::size_t max_leaf_code = [] {  // a variable, so it is computed once per tree
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  std::size_t most = 0;
  for (const auto& nd : Nodes)
    if (nd.feature == leaf_feature<F> && static_cast<std::size_t>(nd.right) > most) most = nd.right;
  return most;
}();
template <const auto& Nodes>
using leaf_code_t = std::conditional_t<(max_leaf_code<Nodes> <= 0xFF), std::uint8_t, std::uint16_t>;

// The type a walk returns: a leaf code in the tree's narrowest type, or a leaf value.
template <const auto& Nodes, class Leaf>
using walk_result_t = std::conditional_t<Leaf::is_code, leaf_code_t<Nodes>, decltype(Leaf::template at<0>())>;

// Recursion is as deep as the tree, one instantiation per internal node: a leaf child's payload
// is returned in place (compile time is part of performance; helper templates per node would
// cost more than they save). Leaf is the model's leaf policy: Leaf::at<Code>() gives a leaf's
// payload as a constant (an immediate in unrolled code), Leaf::load(code) reads it at run time
// (from flash in table code). The branch into the smaller subtree is marked likely, so the
// compiler lays that subtree out as the fall-through and the jump over it stays short (on AVR a
// conditional branch reaches only 64 words).
template <const auto& Nodes, std::size_t I, bool NanAware, class Leaf, bool OwnFunction = false, class Input>
[[gnu::always_inline]] constexpr walk_result_t<Nodes, Leaf> walk_unrolled(const Input& x) noexcept {
  using R = walk_result_t<Nodes, Leaf>;
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  constexpr auto nd = Nodes[I];
  if constexpr (nd.feature == leaf_feature<F>) {
    return static_cast<R>(Leaf::template at<nd.right>());
  } else {
    constexpr F f = feature_index(nd.feature, NanAware);
    constexpr bool dl = NanAware && (nd.feature & default_left_bit<F>) != 0;
    constexpr std::size_t l = I + 1, r = nd.right;
    constexpr bool l_leaf = Nodes[l].feature == leaf_feature<F>, r_leaf = Nodes[r].feature == leaf_feature<F>;
    // In a tree's own function the input pointer can be pinned (platform::load_element); inlined
    // into a caller, plain reads let the compiler share registers with the surrounding code.
    std::remove_cvref_t<decltype(x[0])> v;
    if constexpr (OwnFunction) v = platform::load_element<f>(x);
    else v = x[f];
    bool left;
    if constexpr (bitwise_float_compare && !NanAware && std::is_same_v<decltype(v), float>) {
      constexpr std::uint32_t t = threshold_bits(nd.threshold);
      left = std::is_constant_evaluated() ? v <= nd.threshold : le_bits(std::bit_cast<std::uint32_t>(v), t);
    } else {
      left = goes_left<NanAware>(v, nd.threshold, dl);
    }
    if constexpr (subtree_sizes<Nodes>[l] <= subtree_sizes<Nodes>[r]) {
      if (left) [[likely]] {
        if constexpr (l_leaf) return static_cast<R>(Leaf::template at<Nodes[l].right>());
        else return walk_unrolled<Nodes, l, NanAware, Leaf, OwnFunction>(x);
      }
    } else {
      if (left) [[unlikely]] {
        if constexpr (l_leaf) return static_cast<R>(Leaf::template at<Nodes[l].right>());
        else return walk_unrolled<Nodes, l, NanAware, Leaf, OwnFunction>(x);
      }
    }
    if constexpr (r_leaf) return static_cast<R>(Leaf::template at<Nodes[r].right>());
    else return walk_unrolled<Nodes, r, NanAware, Leaf, OwnFunction>(x);
  }
}

// The table walk is one function per node type, shared by every tree of a model: the trees
// differ only in the array it is given.
template <bool NanAware, class Leaf, class Node, class Input>
[[gnu::noinline]] constexpr auto walk_nodes(const Node* nodes, const Input& x) noexcept {
  using platform::flash_read;
  using F = typename Node::feature_type;
  const Node* nd = nodes;
  for (;;) {
    const F raw = flash_read(&nd->feature);
    if (raw == leaf_feature<F>) return Leaf::load(flash_read(&nd->right));
    const F f = feature_index(raw, NanAware);
    const bool dl = NanAware && (raw & default_left_bit<F>) != 0;
    // (le_bits here, with the threshold's sign known only at run time, measured slower than the
    // float compare on AVR: breast_cancer_dt_float table 529 -> 590 cycles.)
    nd = goes_left<NanAware>(x[f], flash_read(&nd->threshold), dl) ? nd + 1 : nodes + flash_read(&nd->right);
  }
}

template <const auto& Nodes, bool NanAware, class Leaf, class Input>
constexpr auto walk_table(const Input& x) noexcept {
  return walk_nodes<NanAware, Leaf>(&Nodes[0], x);
}

// A large unrolled tree is a function of its own: its branches stay local (short jumps on AVR,
// where one function holding a whole forest needs 4-byte far jumps and the block placement
// scatters the trees), and the input pointer stays in one register for the whole walk.
inline constexpr std::size_t inline_tree_nodes = 31;

template <const auto& Nodes, bool NanAware, class Leaf, class Input>
[[gnu::noinline]] constexpr auto walk_unrolled_call(const Input& x) noexcept {
#if defined(__AVR__)
  if constexpr (avr_walk_applies<Nodes, NanAware, Leaf, Input>()) {
    if (!std::is_constant_evaluated()) return static_cast<walk_result_t<Nodes, Leaf>>(avr_walk<avr_tree<Nodes, avr_identity>>(x.data())[0]);
  }
#endif
  return walk_unrolled<Nodes, 0, NanAware, Leaf, true>(x);
}

template <class Layout, const auto& Nodes, bool NanAware, class Leaf, bool OutOfLine = false, class Input>
[[gnu::always_inline]] constexpr auto walk(const Input& x) noexcept {
  if constexpr (std::is_same_v<Layout, layout::unrolled>) {
    if constexpr (OutOfLine || size_of<Nodes> > inline_tree_nodes) return walk_unrolled_call<Nodes, NanAware, Leaf>(x);
    else return walk_unrolled<Nodes, 0, NanAware, Leaf>(x);
  } else {
    return walk_table<Nodes, NanAware, Leaf>(x);
  }
}

}  // namespace ctml::trees::detail
