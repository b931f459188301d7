// Models imported from .tflite files the tests write (tests/codegen/tflite_builder.py: every
// operator and option of the TFLite frontend): every output code, logits and softmax
// probabilities, equals the numpy reference (codegen/ctml_codegen/nn/reference.py, which follows
// TFLite's int8 reference kernels and is checked against an independent interpreter of them), at
// run time and at compile time.
#include <cstdint>
#include <utility>

#include <catch2/catch.hpp>

#include "tflite_tiny_cnn.hpp"
#include "tflite_tiny_cnn_vectors.hpp"
#include "tflite_tiny_mlp.hpp"
#include "tflite_tiny_mlp_vectors.hpp"

namespace m = ctml_models;

namespace {

template <class M, class V>
typename M::input_type input(std::size_t i) {
  typename M::input_type x{};
  for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[i][j];
  return x;
}

template <class M, class V>
std::size_t differing_codes() {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    const auto x = input<M, V>(i);
    const auto y = M::logits(x);
    for (std::size_t k = 0; k < M::n_outputs; ++k) bad += y[k] != V::expected_output[i][k];
    if constexpr (M::has_softmax) {
      const auto p = M::probabilities(x);
      for (std::size_t k = 0; k < M::n_outputs; ++k) bad += p[k] != V::expected_proba[i][k];
      bad += M::predict(x) != V::expected_class[i];
    }
  }
  return bad;
}

// The first vector at compile time.
template <class M, class V>
constexpr bool first_exact() {
  typename M::input_type x{};
  for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[0][j];
  const auto y = M::logits(x);
  for (std::size_t k = 0; k < M::n_outputs; ++k)
    if (y[k] != V::expected_output[0][k]) return false;
  if constexpr (M::has_softmax) {
    const auto p = M::probabilities(x);
    for (std::size_t k = 0; k < M::n_outputs; ++k)
      if (p[k] != V::expected_proba[0][k]) return false;
  }
  return true;
}

}  // namespace

static_assert(first_exact<m::tflite_tiny_mlp, m::tflite_tiny_mlp_vectors>());
static_assert(first_exact<m::tflite_tiny_cnn, m::tflite_tiny_cnn_vectors>());

TEMPLATE_TEST_CASE("TFLite imports equal the numpy reference of TFLite's kernels on every code", "[nn][tflite]",
                   (std::pair<m::tflite_tiny_cnn, m::tflite_tiny_cnn_vectors>),
                   (std::pair<m::tflite_tiny_mlp, m::tflite_tiny_mlp_vectors>)) {
  using M = typename TestType::first_type;
  using V = typename TestType::second_type;
  REQUIRE(V::n_samples == 40);
  CHECK(differing_codes<M, V>() == 0);
}

TEST_CASE("the tiny CNN ends in TFLite's softmax and keeps its shapes", "[nn][tflite]") {
  using M = m::tflite_tiny_cnn;
  STATIC_REQUIRE(M::has_softmax);
  STATIC_REQUIRE(M::n_features == 10 * 12 * 3);
  STATIC_REQUIRE(M::n_outputs == 6);
  // Probabilities are TFLite's codes: they sum to about 256 (scale 1/256, zero point -128).
  for (std::size_t i = 0; i < m::tflite_tiny_cnn_vectors::n_samples; ++i) {
    const auto p = M::probabilities(input<M, m::tflite_tiny_cnn_vectors>(i));
    int sum = 0;
    for (auto v : p) sum += v + 128;
    CHECK(sum >= 256 - 6);
    CHECK(sum <= 256 + 6);
  }
}
