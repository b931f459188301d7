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
