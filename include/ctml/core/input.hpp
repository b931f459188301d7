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

template <class A>
inline constexpr bool is_std_array_v = false;
template <class T, std::size_t N>
inline constexpr bool is_std_array_v<std::array<T, N>> = true;

// Anything that is not a std::array: a C array, a std::vector, a pointer, a span...
template <class A>
consteval bool check_container() {
  using D = std::remove_cvref_t<A>;
  static_assert(!std::is_array_v<D>,
                "ctml: predict (and every entry point of a model) takes the model's input_type, std::array<feature_type, n_features>, not a C array: "
                "pass std::to_array(x), or copy the values into a <model>::input_type");
  static_assert(std::is_array_v<D> || is_std_array_v<D>,
                "ctml: predict (and every entry point of a model) takes the model's input_type, std::array<feature_type, n_features>, not this type "
                "(std::vector, pointer, span...): copy the values into a <model>::input_type (the size is fixed at compile time)");
  return false;
}

// Any wrong input of a model whose input is Input: the readable message for what was passed.
template <class A, class Input>
consteval bool check_any_input() {
  using D = std::remove_cvref_t<A>;
  if constexpr (is_std_array_v<D>)
    return check_input<typename Input::value_type, std::tuple_size_v<Input>, typename D::value_type, std::tuple_size_v<D>>();
  else
    return check_container<A>();
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
  template <class A>
    requires(!is_std_array_v<std::remove_cvref_t<A>>)
  static constexpr Output predict(const A&) noexcept {
    static_assert(check_container<A>());
    return Output{};
  }
  // The same message from the other entry points; a model that has one brings its guard in with
  // `using guard::predict_proba;` (its own overload would hide it otherwise).
  template <class A>
    requires(!std::is_same_v<std::remove_cvref_t<A>, Input>)
  static constexpr int predict_proba(const A&) noexcept {
    static_assert(check_any_input<A, Input>());
    return 0;
  }
  template <class A>
    requires(!std::is_same_v<std::remove_cvref_t<A>, Input>)
  static constexpr int decision_function(const A&) noexcept {
    static_assert(check_any_input<A, Input>());
    return 0;
  }
  template <class A>
    requires(!std::is_same_v<std::remove_cvref_t<A>, Input>)
  static constexpr int score_samples(const A&) noexcept {
    static_assert(check_any_input<A, Input>());
    return 0;
  }
};

}  // namespace ctml::detail
