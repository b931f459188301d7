// Host nanoseconds per inference for the example tree models, in both layouts, cycling over the
// held-out inputs so branch prediction cannot learn one path.
#include <benchmark/benchmark.h>

#include "breast_cancer_dt.hpp"
#include "breast_cancer_dt_vectors.hpp"
#include "breast_cancer_rf.hpp"
#include "breast_cancer_rf_vectors.hpp"
#include "digits_rf.hpp"
#include "digits_rf_vectors.hpp"
#include "breast_cancer_xgb.hpp"
#include "breast_cancer_xgb_vectors.hpp"

namespace m = ctml_models;

template <class M, class V>
void bm_predict(benchmark::State& state) {
  std::array<typename M::input_type, V::n_samples> rows{};
  for (std::size_t i = 0; i < V::n_samples; ++i)
    for (std::size_t j = 0; j < M::n_features; ++j) rows[i][j] = V::inputs[i][j];
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(M::predict(rows[i]));
    i = i + 1 == rows.size() ? 0 : i + 1;
  }
}

using ctml::layout::table;
using ctml::layout::unrolled;
BENCHMARK(bm_predict<m::breast_cancer_dt_t<unrolled>, m::breast_cancer_dt_vectors>)->Name("breast_cancer_dt/unrolled");
BENCHMARK(bm_predict<m::breast_cancer_dt_t<table>, m::breast_cancer_dt_vectors>)->Name("breast_cancer_dt/table");
BENCHMARK(bm_predict<m::breast_cancer_rf_t<unrolled>, m::breast_cancer_rf_vectors>)->Name("breast_cancer_rf/unrolled");
BENCHMARK(bm_predict<m::breast_cancer_rf_t<table>, m::breast_cancer_rf_vectors>)->Name("breast_cancer_rf/table");
BENCHMARK(bm_predict<m::digits_rf_t<unrolled>, m::digits_rf_vectors>)->Name("digits_rf/unrolled");
BENCHMARK(bm_predict<m::digits_rf_t<table>, m::digits_rf_vectors>)->Name("digits_rf/table");
BENCHMARK(bm_predict<m::breast_cancer_xgb_t<unrolled>, m::breast_cancer_xgb_vectors>)->Name("breast_cancer_xgb/unrolled");
