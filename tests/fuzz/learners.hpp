// The on-device learners the fuzz targets drive (fuzz_learn: sample streams, fuzz_restore:
// records), each with the sample it takes and the properties it keeps after every update: its
// state stays valid() (a state update can reach is one restore accepts), its outputs are finite
// and its predictions are class indices. ctml_fuzz::learners lists them.
#pragma once
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <ctml/learn/kmeans.hpp>
#include <ctml/learn/online_linear.hpp>
#include <ctml/learn/online_logistic.hpp>
#include <ctml/learn/stats.hpp>
#include <ctml/learn/tinyol.hpp>
#include <ctml/learn/trainable_dense.hpp>

#include "digits_frozen9.hpp"

namespace ctml_fuzz {

namespace l = ctml::learn;
using failure = const char*;

// How a learner takes one sample from raw bytes, and what it must keep afterwards.
template <class L>
struct driver;

template <class T>
T take(const std::uint8_t*& data, std::size_t& size) {
  T v{};
  const std::size_t n = size < sizeof(T) ? size : sizeof(T);
  std::memcpy(&v, data, n);
  data += n;
  size -= n;
  return v;
}

inline bool finite(float v) { return std::isfinite(v); }

template <>
struct driver<l::running_stats> {
  static constexpr std::size_t sample_bytes = 4;
  static void step(l::running_stats& s, const std::uint8_t*& d, std::size_t& n) { s.update(take<float>(d, n)); }
  static failure check(const l::running_stats& s) {
    if (!finite(s.mean()) || !finite(s.variance()) || !finite(s.population_variance())) return "not finite";
    return nullptr;
  }
};
template <unsigned F>
struct driver<l::running_stats_q<F>> {
  static constexpr std::size_t sample_bytes = 2;
  static void step(l::running_stats_q<F>& s, const std::uint8_t*& d, std::size_t& n) { s.update(take<std::int16_t>(d, n)); }
  static failure check(const l::running_stats_q<F>& s) {
    if (!finite(s.mean_value()) || !finite(s.variance()) || s.variance() < 0) return "not finite or negative";
    return nullptr;
  }
};
template <>
struct driver<l::ewma> {
  static constexpr std::size_t sample_bytes = 4;
  static void init(l::ewma& s, const std::uint8_t*& d, std::size_t& n) { s.alpha = take<std::uint8_t>(d, n) / 255.0f; }
  static void step(l::ewma& s, const std::uint8_t*& d, std::size_t& n) { s.update(take<float>(d, n)); }
  static failure check(const l::ewma& s) { return finite(s.value) ? nullptr : "not finite"; }
};
template <unsigned S>
struct driver<l::ewma_q<S>> {
  static constexpr std::size_t sample_bytes = 2;
  static void step(l::ewma_q<S>& s, const std::uint8_t*& d, std::size_t& n) { s.update(take<std::int16_t>(d, n)); }
  static failure check(const l::ewma_q<S>& s) { return finite(s.average()) ? nullptr : "not finite"; }
};
template <class T>
struct driver<l::extremes<T>> {
  static constexpr std::size_t sample_bytes = sizeof(T);
  static void step(l::extremes<T>& s, const std::uint8_t*& d, std::size_t& n) { s.update(take<T>(d, n)); }
  static failure check(const l::extremes<T>&) { return nullptr; }
};
template <>
struct driver<l::zscore_detector> {
  static constexpr std::size_t sample_bytes = 4;
  static void init(l::zscore_detector& s, const std::uint8_t*& d, std::size_t& n) {
    s.threshold = take<std::uint8_t>(d, n) / 16.0f;
    s.warmup = take<std::uint8_t>(d, n);
  }
  static void step(l::zscore_detector& s, const std::uint8_t*& d, std::size_t& n) { (void)s.check(take<float>(d, n)); }
  static failure check(const l::zscore_detector& s) { return driver<l::running_stats>::check(s.stats); }
};
template <std::size_t K, std::size_t D, unsigned F>
struct driver<l::online_kmeans<K, D, F>> {
  static constexpr std::size_t sample_bytes = D;
  static void step(l::online_kmeans<K, D, F>& s, const std::uint8_t*& d, std::size_t& n) {
    if (s.update(take<std::array<std::int8_t, D>>(d, n)) >= K) std::abort();  // update answers a centre index
  }
  static failure check(const l::online_kmeans<K, D, F>&) { return nullptr; }
};

// The linear learners: label (or target) then the features; predict must be a class index.
template <class L, class Y, class X, std::size_t Classes>
struct linear_driver {
  static constexpr std::size_t sample_bytes = sizeof(Y) + sizeof(X);
  static void step(L& s, const std::uint8_t*& d, std::size_t& n) {
    const Y y = take<Y>(d, n);
    s.update(take<X>(d, n), y);
  }
  static failure check(const L& s) {
    if constexpr (Classes > 0) {
      const X x{};
      if (s.predict(x) >= Classes) return "predict is not a class index";
    }
    return nullptr;
  }
};
template <std::size_t N, unsigned I, unsigned L, unsigned M, std::uint32_t D>
struct driver<l::online_logistic<N, I, L, M, D>>
    : linear_driver<l::online_logistic<N, I, L, M, D>, std::uint8_t, std::array<std::int8_t, N>, 2> {};
template <std::size_t N, unsigned I, unsigned L, unsigned M, std::uint32_t D>
struct driver<l::online_linear_regression<N, I, L, M, D>>
    : linear_driver<l::online_linear_regression<N, I, L, M, D>, std::int32_t, std::array<std::int8_t, N>, 0> {};
template <std::size_t N>
struct driver<l::online_perceptron<N>> : linear_driver<l::online_perceptron<N>, std::uint8_t, std::array<std::int8_t, N>, 2> {};
template <std::size_t N, std::size_t K, class X, unsigned I, unsigned L, unsigned M, std::uint32_t D>
struct driver<l::trainable_dense<N, K, X, I, L, M, D>>
    : linear_driver<l::trainable_dense<N, K, X, I, L, M, D>, std::uint8_t, std::array<X, N>, K> {};
template <class F, class E, std::size_t K, unsigned L, unsigned M, std::uint32_t D>
struct driver<l::tinyol<F, E, K, L, M, D>>
    : linear_driver<l::tinyol<F, E, K, L, M, D>, std::uint8_t, typename F::input_type, K> {};

template <class... L>
struct list {};
// LrShift 0 puts the SGD step at rate 2^0, where a momentum at INT32_MIN had no negation.
using learners = list<l::running_stats, l::running_stats_q<15>, l::running_stats_q<0>, l::ewma, l::ewma_q<1>,
                      l::ewma_q<15>, l::extremes<float>, l::extremes<std::int16_t>, l::zscore_detector,
                      l::online_kmeans<3, 2>, l::online_kmeans<2, 3, 7>, l::online_logistic<4>,
                      l::online_logistic<3, 1, 0, 2>, l::online_linear_regression<3>,
                      l::online_linear_regression<2, 0, 0, 3>, l::online_perceptron<4>, l::trainable_dense<4, 3>,
                      l::trainable_dense<3, 2, std::int16_t, 1, 0, 2>, l::trainable_dense<5, 4, std::uint8_t, 4, 0, 3>,
                      l::tinyol<ctml_models::digits_frozen9, ctml_models::digits_frozen9_embedding, 10, 4, 2>>;

// A table of R<L> for every learner L: the fuzz targets index it with their first byte.
template <template <class> class R, class... L>
constexpr auto table(list<L...>) {
  return std::array{&R<L>::run...};
}

// A learner with its settings (alpha, threshold) taken from the first bytes where it has any.
template <class L>
L make(const std::uint8_t*& d, std::size_t& n) {
  L s{};
  if constexpr (requires { driver<L>::init(s, d, n); }) driver<L>::init(s, d, n);
  return s;
}

}  // namespace ctml_fuzz

// LrShift 0 puts the SGD step at rate 2^0, where a momentum at INT32_MIN had no negation.
