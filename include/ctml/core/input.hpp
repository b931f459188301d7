// Readable errors for a wrong model input: every model's generic predict overloads call
// check_input, so a wrong feature count or element type is one static_assert line that says
// what the model expects, not an overload-resolution backtrace.
#pragma once
#include <cstddef>
#include <type_traits>

namespace ctml::detail {

template <class Expected, std::size_t ExpectedN, class T, std::size_t N>
consteval bool check_input() {
  constexpr bool count_ok = N == ExpectedN;
  constexpr bool type_ok = N != ExpectedN || std::is_same_v<T, Expected>;
  static_assert(count_ok, "ctml: wrong feature count: the input array must have exactly the model's n_features elements");
  static_assert(type_ok,
                "ctml: wrong input element type: pass the model's feature_type (quantize floats with <model>_info::quantize)");
  return false;
}

}  // namespace ctml::detail
