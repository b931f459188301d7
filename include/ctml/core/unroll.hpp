// Compile-time loops for the unrolled layouts: f(std::integral_constant<std::size_t, I>{}) for
// I = 0 .. N-1 in order, as fold expressions of at most 128 terms each (clang refuses a fold
// nested deeper than 256, e.g. a k-NN over 331 training samples or a linear model over 784 pixels).
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctml::detail {

template <std::size_t Base, class F, std::size_t... I>
[[gnu::always_inline]] constexpr void unroll_chunk(F& f, std::index_sequence<I...>) {
  (f(std::integral_constant<std::size_t, Base + I>{}), ...);
}

template <std::size_t N, std::size_t Chunk, class F, std::size_t... C>
[[gnu::always_inline]] constexpr void unroll_chunks(F& f, std::index_sequence<C...>) {
  (unroll_chunk<C * Chunk>(f, std::make_index_sequence<(N - C * Chunk < Chunk ? N - C * Chunk : Chunk)>{}), ...);
}

// Evaluates a pack's expressions once each, left to right: `in_order{((void)expr, 0)...}`. A braced
// list is sequenced in order like a comma fold but is flat, where clang nests a fold of N terms N
// deep and stops at 256 (a 3-class GradientBoostingClassifier of 100 stages has 300 trees).
struct in_order {
  template <class... T>
  [[gnu::always_inline]] constexpr in_order(T&&...) noexcept {}
};

// The sum and the conjunction of a pack's values, also without a fold:
// sum_of<std::size_t>({v...}), all_of({b...}).
template <class T, std::size_t N>
consteval T sum_of(const T (&v)[N]) noexcept {
  T s{};
  for (const T& e : v) s += e;
  return s;
}
template <std::size_t N>
constexpr bool all_of(const bool (&v)[N]) noexcept {
  for (bool e : v)
    if (!e) return false;
  return true;
}

template <std::size_t N, class F>
[[gnu::always_inline]] constexpr void unroll(F&& f) {
  constexpr std::size_t chunk = 128;
  unroll_chunks<N, chunk>(f, std::make_index_sequence<(N + chunk - 1) / chunk>{});
}

}  // namespace ctml::detail
