// Layout policies: how a model's constants become machine code.
// unrolled = constants as instruction immediates; table = arrays in flash walked by a loop;
// automatic = pick by the estimated code size against a per-target limit.
#pragma once
#include "cxx20.hpp"
#include <cstddef>
#include <type_traits>

namespace ctml::layout {

struct unrolled {};
struct table {};
// Unroll while the estimated code stays under MaxCodeBytes; otherwise use tables.
template <std::size_t MaxCodeBytes = 24576>
struct automatic_limit {};
using automatic = automatic_limit<>;

template <class L> inline constexpr bool is_layout = false;
template <> inline constexpr bool is_layout<unrolled> = true;
template <> inline constexpr bool is_layout<table> = true;
template <std::size_t N> inline constexpr bool is_layout<automatic_limit<N>> = true;

namespace detail {
template <class L, std::size_t CodeBytes> struct resolve { using type = L; };
template <std::size_t N, std::size_t CodeBytes> struct resolve<automatic_limit<N>, CodeBytes> {
  using type = std::conditional_t<(CodeBytes <= N), unrolled, table>;
};
}  // namespace detail

// The concrete layout (unrolled or table) a policy picks for a model of the given code estimate.
template <class L, std::size_t CodeBytes>
using resolve_t = typename detail::resolve<L, CodeBytes>::type;

}  // namespace ctml::layout
