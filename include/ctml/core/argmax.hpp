// The class a classifier answers: the index of the largest score, the first one on ties, as
// numpy's argmax and scikit-learn's predict do. A NaN never wins against the first score.
// class_index_t is the narrowest type that holds a class index.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctml {

template <std::size_t NClasses>
using class_index_t = std::conditional_t<(NClasses <= 256), std::uint8_t, std::uint16_t>;

namespace detail {

// Index of the largest of the first N entries of a (any indexable of at least N values).
template <class Out, std::size_t N, class A>
constexpr Out argmax_first(const A& a) noexcept {
  static_assert(N >= 1, "ctml: argmax of nothing");
  Out best = 0;
  for (std::size_t k = 1; k < N; ++k)
    if (a[k] > a[best]) best = static_cast<Out>(k);
  return best;
}

}  // namespace detail
}  // namespace ctml
