// What every tree ensemble shares: the spec checks, the chosen layout, and a fold that walks
// each tree of the list once and hands its leaf payload (with the tree's index) to a callback.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "../core/layout.hpp"
#include "../core/unroll.hpp"
#include "../platform/code_size.hpp"
#include "../platform/target.hpp"
#include "node.hpp"
#include "walk.hpp"

namespace ctml::trees::detail {

template <class Spec>
consteval bool spec_nan_aware() {
  if constexpr (requires { Spec::nan_aware; }) return Spec::nan_aware;
  else return false;
}

template <const auto& Nodes, class Values>
consteval long long max_abs_leaf(const Values& values) {
  using F = std::remove_cvref_t<decltype(Nodes[0].feature)>;
  long long most = 0;
  for (const auto& nd : Nodes) {
    if (nd.feature != leaf_feature<F>) continue;
    const long long v = values[nd.right];
    most = (v < 0 ? -v : v) > most ? (v < 0 ? -v : v) : most;
  }
  return most;
}

template <class List>
struct forest_ops;

template <const auto& Tree0, const auto&... Trees>
inline constexpr const auto& first_of = Tree0;

template <const auto&... Trees>
struct forest_ops<tree_list<Trees...>> {
  static constexpr const auto& first_tree = first_of<Trees...>;
  template <class Layout, bool NanAware, class Leaf, class Input, class Fn>
  [[gnu::always_inline]] static constexpr void for_each(const Input& x, Fn&& fn) noexcept {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ::ctml::detail::in_order{((void)fn(std::integral_constant<std::size_t, I>{}, walk<Layout, Trees, NanAware, Leaf>(x)), 0)...};
    }(std::make_index_sequence<sizeof...(Trees)>{});
  }
  // Sum over the trees of each tree's largest |leaf value| (the bound of any leaf sum).
  template <class Values>
  static consteval long long abs_leaf_sum(const Values& values) {
    return ::ctml::detail::sum_of<long long>({0LL, max_abs_leaf<Trees>(values)...});
  }
  // Every tree's leaf payload, mapped by Map::apply<tree index>(payload), as one array. No
  // closure: each tree's result goes straight to its slot.
  template <class Layout, bool NanAware, class Leaf, class Map, bool OutOfLine = false, class Input>
  [[gnu::always_inline]] static constexpr auto collect(const Input& x) noexcept {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      using R = decltype(Map::template apply<0>(walk<Layout, first_tree, NanAware, Leaf>(x)));
      return std::array<R, sizeof...(Trees)>{Map::template apply<I>(walk<Layout, Trees, NanAware, Leaf, OutOfLine>(x))...};
    }(std::make_index_sequence<sizeof...(Trees)>{});
  }
  // Walks every tree and hands its payload to Step::apply<tree index>(state, payload): a static
  // function, so the state stays in the caller's frame and nothing goes through a closure.
  // OutOfLine: every unrolled tree is its own function, even a small one (for callers that walk
  // the trees twice).
  template <class Layout, bool NanAware, class Leaf, class Step, bool OutOfLine = false, class Input, class State>
  [[gnu::always_inline]] static constexpr void visit(const Input& x, State& state) noexcept {
    visit_each<Layout, NanAware, Leaf, Step, OutOfLine>(x, state, std::make_index_sequence<sizeof...(Trees)>{});
  }
  // A function, not a lambda: the input and the state stay in registers across the tree calls
  // instead of being reloaded from a closure after each (measured on AVR: 12 cycles per tree).
  // Inlined into the caller, whose frame holds the state (AVR: 1.5 cycles per tree fewer).
  template <class Layout, bool NanAware, class Leaf, class Step, bool OutOfLine, class Input, class State,
            std::size_t... I>
  [[gnu::always_inline]] static constexpr void visit_each(const Input& x, State& state, std::index_sequence<I...>) noexcept {
#if defined(__AVR__)
    if constexpr (avr_visit_applies<Layout, NanAware, Leaf, Step, OutOfLine, Input>()) {
      if (!std::is_constant_evaluated()) {
        avr_visit_groups<Step>(x, state, std::make_index_sequence<sizeof...(Trees) / 4>{});
        return;
      }
    }
#endif
    // A braced list, not a comma fold: in tree order, and past clang's fold limit of 256 terms.
    ::ctml::detail::in_order{((void)Step::template apply<I>(state, walk<Layout, Trees, NanAware, Leaf, OutOfLine>(x)), 0)...};
  }
  // Whether visit takes the AVR asm walk (outside constant evaluation).
  template <class Layout, bool NanAware, class Leaf, class Step, bool OutOfLine, class Input>
  static consteval bool avr_visit_applies() {
#if defined(__AVR__)
    if constexpr (std::is_same_v<Layout, ::ctml::layout::unrolled> && OutOfLine) {
      return []<std::size_t... I>(std::index_sequence<I...>) {
        return ::ctml::detail::all_of({true, avr_tree_fits<Trees, avr_payload_t<Step, I>, NanAware, Leaf, Input>()...});
      }(std::make_index_sequence<sizeof...(Trees)>{});
    }
#endif
    return false;
  }
#if defined(__AVR__)
  // AVR, every tree on the asm walk: trees go four to a call (then two, then one), and each code
  // is handed to Step in tree order. A Step with `avr_payload<tree>` chooses what the leaves
  // put in the registers (two bytes per tree) and takes them in apply_avr.
  template <class Step, std::size_t Tree>
  static auto avr_payload_of() {
    if constexpr (requires { typename Step::template avr_payload<Tree>; }) return typename Step::template avr_payload<Tree>{};
    else return avr_identity{};
  }
  template <class Step, std::size_t Tree>
  using avr_payload_t = decltype(avr_payload_of<Step, Tree>());

  template <class Step, class Input, class State, std::size_t... G>
  [[gnu::always_inline]] static void avr_visit_groups(const Input& x, State& state, std::index_sequence<G...>) noexcept {
    constexpr std::size_t n = sizeof...(Trees), fours = n / 4 * 4;
    (avr_visit_group<Step, 4 * G>(x, state, std::make_index_sequence<4>{}), ...);
    if constexpr (n % 4 >= 2) avr_visit_group<Step, fours>(x, state, std::make_index_sequence<2>{});
    if constexpr (n % 2 == 1) avr_visit_group<Step, n - 1>(x, state, std::make_index_sequence<1>{});
  }
  template <class Step, std::size_t First, class Input, class State, std::size_t... K>
  [[gnu::always_inline]] static void avr_visit_group(const Input& x, State& state, std::index_sequence<K...>) noexcept {
    const auto bytes =
        avr_walk_group<avr_tree<nth_tree<First + K, Trees...>(), avr_payload_t<Step, First + K>>...>(x.data());
    if constexpr ((avr_payload_t<Step, First>::two_bytes))
      Step::template apply_avr<First>(state, bytes, std::index_sequence<K...>{});
    else
      (Step::template apply<First + K>(state, bytes[K]), ...);
  }
#endif
  static consteval bool all_well_formed(std::size_t n_features, std::size_t n_codes, bool nan_aware) {
    return ::ctml::detail::all_of({true, well_formed<Trees>(n_features, n_codes, nan_aware)...});
  }
  // The same with a code limit per tree: codes_of(t) is tree t's number of leaf codes.
  template <class CodesOf>
  static consteval bool all_well_formed_each(std::size_t n_features, CodesOf codes_of, bool nan_aware) {
    return each_well_formed(n_features, codes_of, nan_aware, std::make_index_sequence<sizeof...(Trees)>{});
  }
  template <class CodesOf, std::size_t... I>
  static consteval bool each_well_formed(std::size_t n_features, CodesOf codes_of, bool nan_aware,
                                         std::index_sequence<I...>) {
    return ::ctml::detail::all_of({true, well_formed<Trees>(n_features, codes_of(I), nan_aware)...});
  }
};

// Which row of platform::code_costs an ensemble's code follows.
enum class ensemble_kind : unsigned char { vote, sum, path };

// Shared compile-time facts of an ensemble spec: the code each layout links (platform/code_size.hpp)
// and the layout the policy picks by the unrolled layout's flash (code + the constants it keeps).
template <class Spec, class LayoutPolicy, ensemble_kind Kind = ensemble_kind::sum>
struct ensemble_traits {
  using trees = typename Spec::trees;
  static constexpr bool nan_aware = spec_nan_aware<Spec>();
  static constexpr std::size_t n_trees = trees::size;
  static constexpr std::size_t splits = (trees::node_count - n_trees) / 2;
  static constexpr std::size_t leaves = trees::node_count - splits;
  static constexpr std::size_t outputs = [] {
    if constexpr (Kind == ensemble_kind::vote) return std::size_t{Spec::n_classes};
    else return std::size_t{Spec::n_outputs};
  }();
  static constexpr std::size_t leaf_values = [] {
    if constexpr (Kind == ensemble_kind::vote) return std::size_t{0};
    else return sizeof(Spec::values) / sizeof(Spec::values[0]);
  }();
  static constexpr const platform::layout_costs& cost = Kind == ensemble_kind::vote ? platform::costs.forest_vote
                                                       : Kind == ensemble_kind::sum ? platform::costs.forest_sum
                                                                                    : platform::costs.forest_path;
  static constexpr std::size_t code_unrolled =
      platform::code_bytes(cost.unrolled, n_trees, n_trees > 1, splits, splits * sizeof(typename Spec::feature_type),
                           leaves, n_trees * outputs, leaf_values);
  static constexpr std::size_t code_table = platform::code_bytes(cost.table, n_trees, n_trees * outputs);
  // The constants the unrolled layout still reads (a vote forest's leaf distributions).
  static constexpr std::size_t data_unrolled = [] {
    if constexpr (Kind == ensemble_kind::vote) {
      constexpr std::size_t n_dists = sizeof(Spec::dist_start) / sizeof(Spec::dist_start[0]) - 1;
      return n_dists ? sizeof(Spec::dist_start) + sizeof(Spec::dist_entries) + (n_trees > 1 ? sizeof(Spec::dist_lead) : 0)
                     : std::size_t{0};
    } else {
      return std::size_t{0};
    }
  }();
  static constexpr std::size_t code_estimate = code_unrolled + data_unrolled;
  using layout = layout::resolve_t<LayoutPolicy, code_estimate>;
  static constexpr bool unrolled = std::is_same_v<layout, ::ctml::layout::unrolled>;
  static constexpr std::size_t code_bytes = unrolled ? code_unrolled : code_table;
  // Node arrays are only in flash when the table layout walks them.
  static constexpr std::size_t node_bytes = unrolled ? 0 : trees::bytes;
};

}  // namespace ctml::trees::detail
