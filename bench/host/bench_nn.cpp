// Host nanoseconds per inference for the example int8 networks, cycling over the held-out digits.
#include <array>

#include <benchmark/benchmark.h>

#include "bench_predict.hpp"

#include "digits_cnn.hpp"
#include "digits_cnn_float.hpp"
#include "digits_cnn_float_vectors.hpp"
#include "digits_cnn_vectors.hpp"
#include "digits_mlp.hpp"
#include "digits_mlp_float.hpp"
#include "digits_mlp_float_vectors.hpp"
#include "digits_mlp_logistic.hpp"
#include "digits_mlp_logistic_float.hpp"
#include "digits_mlp_logistic_float_vectors.hpp"
#include "digits_mlp_logistic_vectors.hpp"
#include "digits_mlp_vectors.hpp"
#include "digits_residual.hpp"
#include "digits_residual_vectors.hpp"

namespace m = ctml_models;

BENCHMARK(ctml_bench::predict<m::digits_mlp, m::digits_mlp_vectors>)->Name("digits_mlp/int8");
BENCHMARK(ctml_bench::predict<m::digits_cnn, m::digits_cnn_vectors>)->Name("digits_cnn/int8");
BENCHMARK(ctml_bench::predict<m::digits_residual, m::digits_residual_vectors>)->Name("digits_residual/int8");
BENCHMARK(ctml_bench::predict<m::digits_mlp_logistic, m::digits_mlp_logistic_vectors>)->Name("digits_mlp_logistic/int8");
BENCHMARK(ctml_bench::predict<m::digits_mlp_float, m::digits_mlp_float_vectors>)->Name("digits_mlp/float");
BENCHMARK(ctml_bench::predict<m::digits_mlp_logistic_float, m::digits_mlp_logistic_float_vectors>)->Name("digits_mlp_logistic/float");
BENCHMARK(ctml_bench::predict<m::digits_cnn_float, m::digits_cnn_float_vectors>)->Name("digits_cnn/float");
// With the final softmax (probabilities as floats).
BENCHMARK(ctml_bench::predict_proba<m::digits_mlp, m::digits_mlp_vectors>)->Name("digits_mlp/int8/predict_proba");
BENCHMARK(ctml_bench::predict_proba<m::digits_cnn, m::digits_cnn_vectors>)->Name("digits_cnn/int8/predict_proba");

// The MLPerf Tiny networks (examples/make_mlperf.py), cycling over their 5 synthetic inputs.
#include "mlperf_autoencoder.hpp"
#include "mlperf_autoencoder_vectors.hpp"
#include "mlperf_ds_cnn.hpp"
#include "mlperf_ds_cnn_vectors.hpp"
#include "mlperf_resnet8.hpp"
#include "mlperf_resnet8_vectors.hpp"

BENCHMARK(ctml_bench::predict<m::mlperf_ds_cnn, m::mlperf_ds_cnn_vectors>)->Name("mlperf_ds_cnn/int8");
BENCHMARK(ctml_bench::predict<m::mlperf_resnet8, m::mlperf_resnet8_vectors>)->Name("mlperf_resnet8/int8");
BENCHMARK(ctml_bench::predict<m::mlperf_autoencoder, m::mlperf_autoencoder_vectors>)->Name("mlperf_autoencoder/int8");
