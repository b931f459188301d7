// The four official MLPerf Tiny int8 models (../shared/mlperf_tiny, built only where it exists:
// tests/tflite_models.cmake), imported from their .tflite files: every output code on
// deterministic inputs equals the numpy reference of TFLite's int8 kernels, and the RAM ctml
// needs stays below TFLM's own arena for the same file (arena_used_bytes of TFLM's host
// reference: KWS 24,000 B, ResNet-8 55,712 B, VWW 103,392 B, AD 3,424 B).
#include <cstdint>
#include <utility>

#include <catch2/catch.hpp>

#include "tflite_ad.hpp"
#include "tflite_ad_vectors.hpp"
#include "tflite_kws.hpp"
#include "tflite_kws_vectors.hpp"
#include "tflite_resnet8.hpp"
#include "tflite_resnet8_vectors.hpp"
#include "tflite_vww.hpp"
#include "tflite_vww_vectors.hpp"

namespace m = ctml_models;

namespace {
template <class M, class V>
std::size_t differing_codes() {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    typename M::input_type x{};
    for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[i][j];
    const auto y = M::logits(x);
    for (std::size_t k = 0; k < M::n_outputs; ++k) bad += y[k] != V::expected_output[i][k];
    if constexpr (M::has_softmax) {
      const auto p = M::probabilities(x);
      for (std::size_t k = 0; k < M::n_outputs; ++k) bad += p[k] != V::expected_proba[i][k];
    }
  }
  return bad;
}
}  // namespace

static_assert(m::tflite_kws::ram_bytes < 24000);
static_assert(m::tflite_resnet8::ram_bytes < 55712);
static_assert(m::tflite_vww::ram_bytes < 103392);
static_assert(m::tflite_ad::ram_bytes < 3424);

TEMPLATE_TEST_CASE("the official MLPerf Tiny models equal the numpy reference on every code", "[nn][tflite][mlperf]",
                   (std::pair<m::tflite_kws, m::tflite_kws_vectors>),
                   (std::pair<m::tflite_resnet8, m::tflite_resnet8_vectors>),
                   (std::pair<m::tflite_vww, m::tflite_vww_vectors>),
                   (std::pair<m::tflite_ad, m::tflite_ad_vectors>)) {
  using M = typename TestType::first_type;
  using V = typename TestType::second_type;
  REQUIRE(V::n_samples == 5);
  CHECK(differing_codes<M, V>() == 0);
}
