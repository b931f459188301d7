// The properties every model answer keeps, checked by the libFuzzer targets (tests/fuzz) and by
// the Catch2 property tests (tests/host/test_properties.cpp) on the same code:
//   - predict of a classifier is a class index < n_classes, for every input (NaN included);
//   - an outlier detector's predict is -1 or 1;
//   - probabilities are finite, in [0, 1] and sum to 1 within proba_tolerance (int8 networks:
//     n/256, see tolerance_of), and regressors,
//     decision values and scores are finite, for every input in the model's finite domain.
// The finite domain is every input for integer-code models, and |x_j| <= bound for float ones:
// FLT_MAX (every finite input) for every family. Linear scores that leave float's range are
// recomputed on inputs scaled by a power of two; kernel expansions and network layers in double
// (a 64-bit double: host and Cortex-M; on AVR, whose double is 32 bits, use the integer models).
#pragma once
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace ctml_props {

// Largest gap between the sum of a probability vector and 1: float normalisation of up to 16
// classes (each division rounds by 2^-24 relative, the sum by as much per class) stays below.
inline constexpr float proba_tolerance = 1e-5f;

// An int8 network's probabilities are TFLite's uint8/int8 softmax codes, steps of 1/256 each rounded
// to nearest (1/512) after a fixed-point exp: their sum is within n/256 of 1.
template <class M>
constexpr float tolerance_of() {
  if constexpr (requires { M::bit_exact; }) {
    if constexpr (M::bit_exact) return static_cast<float>(M::n_classes) / 256.0f;
  }
  return proba_tolerance;
}

// Empty when the properties hold, else the name of the one that failed.
using failure = const char*;

template <class T>
bool finite_value(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isfinite(v);
  else return true;
}

template <class A>
bool all_finite(const A& a) {
  if constexpr (requires { a.size(); }) {
    for (const auto v : a)
      if (!finite_value(v)) return false;
    return true;
  } else {
    return finite_value(a);
  }
}

template <class P>
failure check_proba(const P& p, float tolerance = proba_tolerance) {
  double sum = 0;
  for (const float v : p) {
    if (!std::isfinite(v)) return "a probability is not finite";
    if (v < 0.0f || v > 1.0f + tolerance) return "a probability is outside [0, 1]";
    sum += v;
  }
  if (std::fabs(sum - 1.0) > tolerance) return "the probabilities do not sum to 1";
  return nullptr;
}

// Whether x lies in M's finite domain (see the header comment) for float bound `bound`.
template <class X>
bool in_domain(const X& x, float bound) {
  for (const auto v : x) {
    if constexpr (std::is_floating_point_v<std::decay_t<decltype(v)>>)
      if (!(std::fabs(v) <= bound)) return false;
  }
  return true;
}

// Proba: whether M has predict_proba (a model without one has it as a readable static_assert).
template <class M, bool Proba>
failure check(const typename M::input_type& x, float bound) {
  const auto y = M::predict(x);
  using Y = std::decay_t<decltype(y)>;
  const bool strict = in_domain(x, bound);
  if constexpr (requires { M::n_classes; } && std::is_integral_v<Y>) {
    if (static_cast<std::size_t>(y) >= M::n_classes) return "predict is not a class index";
  } else if constexpr (std::is_integral_v<Y> && std::is_signed_v<Y>) {
    if (y != 1 && y != -1) return "an outlier detector's predict is neither -1 nor 1";
  } else {
    if (strict && !all_finite(y)) return "a regressor's prediction is not finite";
  }
  if constexpr (Proba) {
    if (strict)
      if (const failure f = check_proba(M::predict_proba(x), tolerance_of<M>())) return f;
  }
  if constexpr (requires { M::decision_function(x); }) {
    if (strict && !all_finite(M::decision_function(x))) return "a decision value is not finite";
  }
  if constexpr (requires { M::score_samples(x); }) {
    if (strict && !all_finite(M::score_samples(x))) return "a score is not finite";
  }
  if constexpr (requires { M::joint_log_likelihood(x); }) {
    if (strict && !all_finite(M::joint_log_likelihood(x))) return "a log-likelihood is not finite";
  }
  return nullptr;
}

// The input decoded from raw bytes (missing bytes are zeros), every bit pattern allowed.
template <class X>
X from_bytes(const std::uint8_t* data, std::size_t size) {
  X x{};
  std::memcpy(x.data(), data, size < sizeof(X) ? size : sizeof(X));
  return x;
}

}  // namespace ctml_props
