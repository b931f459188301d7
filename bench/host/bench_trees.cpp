// Host nanoseconds per inference for the example tree models, in both layouts, cycling over the
// held-out inputs so branch prediction cannot learn one path.
#include <benchmark/benchmark.h>

#include "bench_predict.hpp"

#include "breast_cancer_dt.hpp"
#include "breast_cancer_dt_vectors.hpp"
#include "breast_cancer_rf.hpp"
#include "breast_cancer_rf_vectors.hpp"
#include "digits_rf.hpp"
#include "digits_rf_vectors.hpp"
#include "breast_cancer_xgb.hpp"
#include "breast_cancer_xgb_vectors.hpp"

namespace m = ctml_models;

using ctml::layout::table;
using ctml::layout::unrolled;
BENCHMARK(ctml_bench::predict<m::breast_cancer_dt_t<unrolled>, m::breast_cancer_dt_vectors>)->Name("breast_cancer_dt/unrolled");
BENCHMARK(ctml_bench::predict<m::breast_cancer_dt_t<table>, m::breast_cancer_dt_vectors>)->Name("breast_cancer_dt/table");
BENCHMARK(ctml_bench::predict<m::breast_cancer_rf_t<unrolled>, m::breast_cancer_rf_vectors>)->Name("breast_cancer_rf/unrolled");
BENCHMARK(ctml_bench::predict<m::breast_cancer_rf_t<table>, m::breast_cancer_rf_vectors>)->Name("breast_cancer_rf/table");
BENCHMARK(ctml_bench::predict<m::digits_rf_t<unrolled>, m::digits_rf_vectors>)->Name("digits_rf/unrolled");
BENCHMARK(ctml_bench::predict<m::digits_rf_t<table>, m::digits_rf_vectors>)->Name("digits_rf/table");
BENCHMARK(ctml_bench::predict<m::breast_cancer_xgb_t<unrolled>, m::breast_cancer_xgb_vectors>)->Name("breast_cancer_xgb/unrolled");
