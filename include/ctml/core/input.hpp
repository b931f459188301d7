// Readable errors for a wrong model input: every model derives from input_guard, so a wrong
// feature count or element type is one static_assert line that says what the model expects,
// not an overload-resolution backtrace.
#pragma once
#include <array>
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

// The input array a spec's model takes.
template <class Spec>
using input_of = std::array<typename Spec::feature_type, Spec::n_features>;

// Base of every model: a predict overload for any array other than Input, whose only job is to
// fail with the readable message. Models bring it in with `using guard::predict;`.
template <class Input, class Output>
struct input_guard {
  template <class T, std::size_t N>
    requires(!std::is_same_v<std::array<T, N>, Input>)
  static constexpr Output predict(const std::array<T, N>&) noexcept {
    static_assert(check_input<typename Input::value_type, std::tuple_size_v<Input>, T, N>());
    return Output{};
  }
};

}  // namespace ctml::detail
