// The AVR walk of an unrolled tree on int8 inputs: the tree in preorder (the left child falls
// through), each node a load, a compare with an immediate and a branch whose short or long form
// is chosen here from exact byte distances (see ctml/platform/avr_branch.hpp for why clang's own
// layout of the same tree costs a cycle and two bytes more per decision). Used only outside
// constant evaluation; constexpr predict keeps the portable walk.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../platform/avr_branch.hpp"
#include "node.hpp"

namespace ctml::trees::detail {

template <std::size_t N>
struct avr_layout {
  std::array<bool, N> short_form{};  // the right child is within a conditional branch's reach
  std::size_t bytes = 0;             // the whole tree
  std::size_t last_leaf = 0;         // the rightmost leaf: it falls through to the end
  bool fits = true;                  // every feature, threshold, code and distance is encodable
};

template <const auto& Nodes>
inline constexpr auto avr_layout_of = [] {
  namespace avr = platform::avr;
  constexpr std::size_t n = size_of<Nodes>;
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  avr_layout<n> out;
  std::array<std::size_t, n> size{};
  for (std::size_t i = n; i-- > 0;) {  // children follow their parent in preorder
    const auto& nd = Nodes[i];
    if (nd.feature == leaf_feature<F>) {
      size[i] = avr::leaf_bytes;
      if (static_cast<std::size_t>(nd.right) > 0xFF) out.fits = false;
      continue;
    }
    const std::size_t l = i + 1, r = nd.right;
    out.short_form[i] = size[l] <= avr::branch_reach;
    size[i] = (out.short_form[i] ? avr::split_short_bytes : avr::split_long_bytes) + size[l] + size[r];
    if (static_cast<std::size_t>(nd.feature) > 63 || nd.threshold >= 127 || nd.threshold < -128) out.fits = false;
  }
  std::size_t i = 0;
  while (Nodes[i].feature != leaf_feature<F>) i = Nodes[i].right;
  out.last_leaf = i;
  out.bytes = size[0] - avr::leaf_bytes + avr::leaf_last_bytes;
  if (out.bytes > avr::rjmp_reach) out.fits = false;
  return out;
}();

// Whether a tree can take the AVR walk: int8 inputs and thresholds, codes as payload (one byte),
// no NaN handling (integer inputs have none), and a layout every branch of which reaches.
template <const auto& Nodes, bool NanAware, class Leaf, class Input>
consteval bool avr_walk_applies() {
#if defined(__AVR__)
  using T = std::remove_cvref_t<decltype(Nodes[0].threshold)>;
  using X = std::remove_cvref_t<decltype(std::declval<const Input&>()[0])>;
  if constexpr (!NanAware && Leaf::is_code && std::is_same_v<T, std::int8_t> && std::is_same_v<X, std::int8_t> &&
                requires { std::declval<const Input&>().data(); }) {
    return avr_layout_of<Nodes>.fits;
  }
#endif
  return false;
}

#if defined(__AVR__)
// One tree's statements in preorder; its leaves load register Reg. First: the tree's first
// statement, which also ends the previous tree of the group.
template <const auto& Nodes, std::size_t I, unsigned Depth, unsigned Reg, bool First>
[[gnu::always_inline]] inline void avr_emit(const void* z) noexcept {
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  constexpr auto nd = Nodes[I];
  if constexpr (nd.feature == leaf_feature<F>) {
    platform::avr::leaf<static_cast<unsigned>(nd.right), Reg, I == avr_layout_of<Nodes>.last_leaf, First>(z);
  } else {
    constexpr unsigned f = nd.feature, t1 = static_cast<std::uint8_t>(nd.threshold + 1);
    if constexpr (avr_layout_of<Nodes>.short_form[I]) platform::avr::split_short<f, t1, 2 + Depth, First>(z);
    else platform::avr::split_long<f, t1, 2 + Depth, First>(z);
    avr_emit<Nodes, I + 1, Depth + 1, Reg, false>(z);
    platform::avr::label<2 + Depth>();
    avr_emit<Nodes, static_cast<std::size_t>(nd.right), Depth + 1, Reg, false>(z);
  }
}

// The trees one after the other (no lambda: it would not be inlined, and a tree's labels must
// stay in one function).
template <const auto&... Group>
struct avr_trees {
  template <unsigned FirstReg, std::size_t... K>
  [[gnu::always_inline]] static void emit(const void* x, std::index_sequence<K...>) noexcept {
    (avr_emit<Group, 0, 0, FirstReg + K, (K > 0)>(x), ...);
  }
};

// One, two or four trees, their codes in the bytes of the return value (r24; r24:r25; r22..r25).
// The body is asm statements only (see ctml/platform/avr_branch.hpp).
template <const auto&... Group>
[[gnu::always_inline]] inline auto avr_walk(const void* x) noexcept {
  constexpr std::size_t n = sizeof...(Group);
  static_assert(n == 1 || n == 2 || n == 4, "ctml: a group walks one, two or four trees");
  constexpr unsigned first_reg = n == 4 ? 22 : 24;
  avr_trees<Group...>::template emit<first_reg>(x, std::make_index_sequence<n>{});
  if constexpr (n == 1) return platform::avr::codes_1();
  else if constexpr (n == 2) return platform::avr::codes_2();
  else return platform::avr::codes_4();
}

// A group in one call: one call, one pointer copy and one return for up to four trees.
template <const auto&... Group>
[[gnu::noinline]] auto avr_walk_group(const void* x) noexcept {
  return avr_walk<Group...>(x);
}
#endif

// The I-th tree of a pack.
template <std::size_t I, const auto& Tree0, const auto&... Trees>
constexpr const auto& nth_tree() noexcept {
  if constexpr (I == 0) return Tree0;
  else return nth_tree<I - 1, Trees...>();
}

}  // namespace ctml::trees::detail
