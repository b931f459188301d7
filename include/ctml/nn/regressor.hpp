// A network that predicts values (scikit-learn's MLPRegressor): predict gives the output tensor in
// real units, one float (or an array of them for several targets), where a classifier network's
// predict is the index of its largest logit. Int8 networks dequantize their output codes with the
// spec Output (scale, zero: value = scale * (code - zero)); float networks return the output as is.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../core/input.hpp"

namespace ctml::nn {

template <class Net, class Output = void>
struct regressor : Net {
  using typename Net::input_type;
  static constexpr std::size_t n_targets = Net::n_outputs;
  using output_type = std::conditional_t<n_targets == 1, float, std::array<float, n_targets>>;
  static_assert(std::is_void_v<Output> == std::is_floating_point_v<typename Net::value_type>,
                "ctml: an int8 regressor network needs its output scale and zero point (Output), a float one none");

  // An output element in real units.
  static constexpr float value(typename Net::value_type v) noexcept {
    if constexpr (std::is_void_v<Output>) return v;
    else return Output::scale * static_cast<float>(static_cast<std::int32_t>(v) - Output::zero);
  }

  // Any other input: one readable static_assert (as every model family).
  template <class A>
    requires(!std::is_same_v<std::remove_cvref_t<A>, input_type>)
  static constexpr output_type predict(const A&) noexcept {
    static_assert(::ctml::detail::check_any_input<A, input_type>());
    return output_type{};
  }

  // The regression value(s): the network's output, dequantized.
  static constexpr output_type predict(const input_type& x) noexcept {
    const auto y = Net::logits(x);
    if constexpr (n_targets == 1) {
      return value(y[0]);
    } else {
      output_type r{};
      for (std::size_t k = 0; k < n_targets; ++k) r[k] = value(y[k]);
      return r;
    }
  }
};

}  // namespace ctml::nn
