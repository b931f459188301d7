// Host nanoseconds per inference for the example int8 networks, cycling over the held-out digits.
#include <array>

#include <benchmark/benchmark.h>

#include "digits_cnn.hpp"
#include "digits_cnn_float.hpp"
#include "digits_cnn_float_vectors.hpp"
#include "digits_cnn_vectors.hpp"
#include "digits_mlp.hpp"
#include "digits_mlp_float.hpp"
#include "digits_mlp_float_vectors.hpp"
#include "digits_mlp_vectors.hpp"
#include "digits_residual.hpp"
#include "digits_residual_vectors.hpp"

namespace m = ctml_models;

template <class M, class V>
void bm_network(benchmark::State& state) {
  std::array<typename M::input_type, V::n_samples> rows{};
  for (std::size_t i = 0; i < V::n_samples; ++i)
    for (std::size_t j = 0; j < M::n_features; ++j) rows[i][j] = V::inputs[i][j];
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(M::predict(rows[i]));
    i = i + 1 == rows.size() ? 0 : i + 1;
  }
}

BENCHMARK(bm_network<m::digits_mlp, m::digits_mlp_vectors>)->Name("digits_mlp/int8");
BENCHMARK(bm_network<m::digits_cnn, m::digits_cnn_vectors>)->Name("digits_cnn/int8");
BENCHMARK(bm_network<m::digits_residual, m::digits_residual_vectors>)->Name("digits_residual/int8");
BENCHMARK(bm_network<m::digits_mlp_float, m::digits_mlp_float_vectors>)->Name("digits_mlp/float");
BENCHMARK(bm_network<m::digits_cnn_float, m::digits_cnn_float_vectors>)->Name("digits_cnn/float");

// The MLPerf Tiny networks (examples/make_mlperf.py), cycling over their 5 synthetic inputs.
#include "mlperf_autoencoder.hpp"
#include "mlperf_autoencoder_vectors.hpp"
#include "mlperf_ds_cnn.hpp"
#include "mlperf_ds_cnn_vectors.hpp"
#include "mlperf_resnet8.hpp"
#include "mlperf_resnet8_vectors.hpp"

BENCHMARK(bm_network<m::mlperf_ds_cnn, m::mlperf_ds_cnn_vectors>)->Name("mlperf_ds_cnn/int8");
BENCHMARK(bm_network<m::mlperf_resnet8, m::mlperf_resnet8_vectors>)->Name("mlperf_resnet8/int8");
BENCHMARK(bm_network<m::mlperf_autoencoder, m::mlperf_autoencoder_vectors>)->Name("mlperf_autoencoder/int8");
