// The AVR walk of unrolled trees on int8 inputs: each tree in preorder (the left child falls
// through, or the right one where it drew more training weight), each node a load, a compare with an immediate and a branch whose short or long form
// is chosen here from exact byte distances (see ctml/platform/avr_branch.hpp for why clang's own
// layout of the same tree costs a cycle and two bytes more per decision). Trees go up to four to a
// call. Used only outside constant evaluation; constexpr predict keeps the portable walk.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../platform/avr_branch.hpp"
#include "node.hpp"

namespace ctml::trees::detail {

// What a leaf puts in its tree's register(s): a code and, in two-byte mode, a second byte (0 is
// free: the register is cleared once per tree).
struct avr_leaf_bytes {
  std::size_t code, second;
};
// Whether the right child of node i drew more training weight (the payload's right_hot, from the
// model's Spec::right_hot; false without it): that child is then laid out first, to fall through.
template <class Payload>
constexpr bool avr_right_first(std::size_t i) noexcept {
  if constexpr (requires { Payload::right_hot(i); }) return Payload::right_hot(i);
  else return false;
}

// The tree's own leaf code, one byte.
struct avr_identity {
  static constexpr bool two_bytes = false;
  static constexpr avr_leaf_bytes get(std::size_t code) noexcept { return {code, 0}; }
};

template <std::size_t N>
struct avr_layout {
  std::array<bool, N> short_form{};  // the child laid out second is within a conditional branch's reach
  std::size_t bytes = 0;             // the whole tree
  std::size_t last_leaf = 0;         // the rightmost leaf: it falls through to the end
  bool fits = true;                  // every feature, threshold, payload and distance is encodable
};

template <const auto& Nodes, class Payload>
inline constexpr auto avr_layout_of = [] {
  namespace avr = platform::avr;
  constexpr std::size_t n = size_of<Nodes>;
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  avr_layout<n> out;
  std::array<std::size_t, n> size{};
  for (std::size_t i = n; i-- > 0;) {  // children follow their parent in preorder
    const auto& nd = Nodes[i];
    if (nd.feature == leaf_feature<F>) {
      const avr_leaf_bytes p = Payload::get(static_cast<std::size_t>(nd.right));
      size[i] = avr::leaf_bytes + (Payload::two_bytes && p.second != 0 ? avr::leaf2_extra_bytes : 0);
      if (p.code > 0xFF || p.second > 0xFF) out.fits = false;
      continue;
    }
    const std::size_t l = i + 1, r = nd.right, first = avr_right_first<Payload>(i) ? r : l;
    out.short_form[i] = size[first] <= avr::branch_reach;
    size[i] = (out.short_form[i] ? avr::split_short_bytes : avr::split_long_bytes) + size[l] + size[r];
    if (static_cast<std::size_t>(nd.feature) > 63 || nd.threshold >= 127 || nd.threshold < -128) out.fits = false;
  }
  std::size_t i = 0;
  while (Nodes[i].feature != leaf_feature<F>) i = avr_right_first<Payload>(i) ? i + 1 : Nodes[i].right;
  out.last_leaf = i;
  out.bytes = size[0] - avr::leaf_bytes + avr::leaf_last_bytes + (Payload::two_bytes ? avr::clear_bytes : 0);
  if (out.bytes > avr::rjmp_reach) out.fits = false;
  return out;
}();

// Whether a tree can take the AVR walk with a payload: int8 inputs and thresholds, codes as the
// walk's result, no NaN handling (integer inputs have none), and a layout every branch reaches.
template <const auto& Nodes, class Payload, bool NanAware, class Leaf, class Input>
consteval bool avr_tree_fits() {
#if defined(__AVR__)
  using T = std::remove_cvref_t<decltype(Nodes[0].threshold)>;
  using X = std::remove_cvref_t<decltype(std::declval<const Input&>()[0])>;
  if constexpr (!NanAware && Leaf::is_code && std::is_same_v<T, std::int8_t> && std::is_same_v<X, std::int8_t> &&
                requires { std::declval<const Input&>().data(); }) {
    return avr_layout_of<Nodes, Payload>.fits;
  }
#endif
  return false;
}
template <const auto& Nodes, bool NanAware, class Leaf, class Input>
consteval bool avr_walk_applies() {
  return avr_tree_fits<Nodes, avr_identity, NanAware, Leaf, Input>();
}

// A tree and its payload, as one type.
template <const auto& Nodes, class Payload>
struct avr_tree {
  static constexpr const auto& nodes = Nodes;
  using payload = Payload;
};

#if defined(__AVR__)
// One tree's statements in preorder; its leaves load Reg (and Reg2). First: the tree's first
// statement, which also ends the previous tree of the group.
template <const auto& Nodes, class Payload, std::size_t I, unsigned Depth, unsigned Reg, unsigned Reg2, bool First>
[[gnu::always_inline]] inline void avr_emit(const void* z) noexcept {
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  constexpr auto nd = Nodes[I];
  if constexpr (nd.feature == leaf_feature<F>) {
    constexpr avr_leaf_bytes p = Payload::get(static_cast<std::size_t>(nd.right));
    constexpr bool last = I == avr_layout_of<Nodes, Payload>.last_leaf;
    if constexpr (Payload::two_bytes && p.second != 0)
      platform::avr::leaf2<static_cast<unsigned>(p.code), Reg, static_cast<unsigned>(p.second), Reg2, last, First>(z);
    else
      platform::avr::leaf<static_cast<unsigned>(p.code), Reg, last, First>(z);
  } else {
    constexpr unsigned f = nd.feature, t1 = static_cast<std::uint8_t>(nd.threshold + 1);
    constexpr bool right_first = avr_right_first<Payload>(I);
    constexpr std::size_t first = right_first ? static_cast<std::size_t>(nd.right) : I + 1;
    constexpr std::size_t second = right_first ? I + 1 : static_cast<std::size_t>(nd.right);
    if constexpr (avr_layout_of<Nodes, Payload>.short_form[I])
      platform::avr::split_short<f, t1, 2 + Depth, First, right_first>(z);
    else
      platform::avr::split_long<f, t1, 2 + Depth, First, right_first>(z);
    avr_emit<Nodes, Payload, first, Depth + 1, Reg, Reg2, false>(z);
    platform::avr::label<2 + Depth>();
    avr_emit<Nodes, Payload, second, Depth + 1, Reg, Reg2, false>(z);
  }
}

template <class Tree, unsigned Reg, bool AfterTree>
[[gnu::always_inline]] inline void avr_emit_tree(const void* z) noexcept {
  using P = typename Tree::payload;
  if constexpr (P::two_bytes) {
    platform::avr::clear<Reg + 1, AfterTree>(z);
    avr_emit<Tree::nodes, P, 0, 0, Reg, Reg + 1, false>(z);
  } else {
    avr_emit<Tree::nodes, P, 0, 0, Reg, 0, AfterTree>(z);
  }
}

// The trees one after the other (no lambda: it would not be inlined, and a tree's labels must
// stay in one function).
template <class... Trees>
struct avr_trees {
  static constexpr std::size_t per_tree = (Trees::payload::two_bytes || ...) ? 2 : 1;
  static constexpr std::size_t bytes = sizeof...(Trees) * per_tree;
  static_assert(((Trees::payload::two_bytes == (per_tree == 2)) && ...), "ctml: a group's trees share one payload width");
  template <std::size_t... K>
  [[gnu::always_inline]] static void emit(const void* x, std::index_sequence<K...>) noexcept {
    (avr_emit_tree<Trees, static_cast<unsigned>(26 - bytes + per_tree * K), (K > 0)>(x), ...);
  }
};

// One, two or four trees; their bytes are the return value (r24; r24:r25; r22..r25; r18..r25),
// tree k's at [k * per_tree]. The body is asm statements only (see ctml/platform/avr_branch.hpp).
template <class... Trees>
[[gnu::always_inline]] inline auto avr_walk(const void* x) noexcept {
  using group = avr_trees<Trees...>;
  static_assert(group::bytes == 1 || group::bytes == 2 || group::bytes == 4 || group::bytes == 8,
                "ctml: a group walks one, two or four trees");
  group::emit(x, std::make_index_sequence<sizeof...(Trees)>{});
  return platform::avr::results<group::bytes>();
}

// A group in one call: one call, one pointer copy and one return for up to four trees.
template <class... Trees>
[[gnu::noinline]] auto avr_walk_group(const void* x) noexcept {
  return avr_walk<Trees...>(x);
}
#endif

// The I-th tree of a pack.
template <std::size_t I, const auto& Tree0, const auto&... Trees>
constexpr const auto& nth_tree() noexcept {
  if constexpr (I == 0) return Tree0;
  else return nth_tree<I - 1, Trees...>();
}

}  // namespace ctml::trees::detail
