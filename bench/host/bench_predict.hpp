// The one Google Benchmark body every host row uses: predict() (or predict_proba()) cycling over a
// model's held-out inputs (copied out of the test vectors first), so branch prediction cannot learn one path.
#pragma once
#include <array>
#include <cstddef>

#include <benchmark/benchmark.h>

namespace ctml_bench {

// Call(row) is what is timed: predict by default, or e.g. predict_proba.
template <class M, class V, class Call>
void cycle(benchmark::State& state, Call call) {
  std::array<typename M::input_type, V::n_samples> rows{};
  for (std::size_t i = 0; i < V::n_samples; ++i)
    for (std::size_t j = 0; j < M::n_features; ++j) rows[i][j] = V::inputs[i][j];
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(call(rows[i]));
    i = i + 1 == rows.size() ? 0 : i + 1;
  }
}

template <class M, class V>
void predict(benchmark::State& state) {
  cycle<M, V>(state, [](const typename M::input_type& x) { return M::predict(x); });
}

template <class M, class V>
void predict_proba(benchmark::State& state) {
  cycle<M, V>(state, [](const typename M::input_type& x) { return M::predict_proba(x); });
}

}  // namespace ctml_bench
