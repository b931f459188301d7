// The model concept every generated model type satisfies: a type with a constexpr predict and
// compile-time footprint constants that a firmware can static_assert against its budget.
#pragma once
#include <concepts>
#include <cstddef>

namespace ctml {

template <class M>
concept model = requires(const typename M::input_type& x) {
  { M::predict(x) } -> std::same_as<typename M::output_type>;
  { M::n_features } -> std::convertible_to<std::size_t>;
  { M::ram_bytes } -> std::convertible_to<std::size_t>;
  { M::flash_bytes } -> std::convertible_to<std::size_t>;
};

template <class M>
concept classifier = model<M> && requires { { M::n_classes } -> std::convertible_to<std::size_t>; };

}  // namespace ctml
