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
template <const auto& Nodes, std::size_t I, unsigned Depth>
[[gnu::always_inline]] inline void avr_emit(const void* z) noexcept {
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  constexpr auto nd = Nodes[I];
  if constexpr (nd.feature == leaf_feature<F>) {
    platform::avr::leaf<static_cast<unsigned>(nd.right), I == avr_layout_of<Nodes>.last_leaf>(z);
  } else {
    constexpr unsigned f = nd.feature, t1 = static_cast<std::uint8_t>(nd.threshold + 1);
    if constexpr (avr_layout_of<Nodes>.short_form[I]) platform::avr::split_short<f, t1, 2 + Depth>(z);
    else platform::avr::split_long<f, t1, 2 + Depth>(z);
    avr_emit<Nodes, I + 1, Depth + 1>(z);
    platform::avr::label<2 + Depth>();
    avr_emit<Nodes, static_cast<std::size_t>(nd.right), Depth + 1>(z);
  }
}

// The whole tree in one function body of asm statements only, so nothing the compiler adds can
// sit between a branch and its label.
template <const auto& Nodes>
[[gnu::always_inline]] inline std::uint8_t avr_walk(const void* x) noexcept {
  avr_emit<Nodes, 0, 0>(x);
  return platform::avr::result();
}
#endif

}  // namespace ctml::trees::detail
