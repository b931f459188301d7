// int8 networks: bit-exact with codegen's numpy reference (nn_reference.py) on every held-out
// sample, agreement with the float framework, TFLite's rounding rules, and the arena plan.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <type_traits>
#include <utility>

#include <catch2/catch.hpp>

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
#include <ctml/core/concepts.hpp>

namespace m = ctml_models;

namespace {

struct counts {
  std::size_t outputs = 0, classes = 0, framework = 0, correct = 0, framework_correct = 0, n = 0;
};

template <class M, class V>
counts run() {
  counts c;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    typename M::input_type x{};
    for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[i][j];
    const auto y = M::logits(x);
    bool same = true;
    for (std::size_t k = 0; k < M::n_outputs; ++k) same = same && y[k] == V::expected_output[i][k];
    const auto cls = M::predict(x);
    c.outputs += same;
    c.classes += cls == V::expected_class[i];
    c.framework += cls == V::framework_class[i];
    c.correct += cls == V::truth[i];
    c.framework_correct += V::framework_class[i] == V::truth[i];
    ++c.n;
  }
  return c;
}

}  // namespace

static_assert(ctml::classifier<m::digits_mlp> && ctml::classifier<m::digits_cnn> && ctml::classifier<m::digits_residual>);

TEMPLATE_TEST_CASE("int8 network outputs equal the numpy int8 reference on every held-out digit", "[nn]",
                   (std::pair<m::digits_mlp, m::digits_mlp_vectors>), (std::pair<m::digits_cnn, m::digits_cnn_vectors>),
                   (std::pair<m::digits_residual, m::digits_residual_vectors>),
                   (std::pair<m::digits_mlp_logistic, m::digits_mlp_logistic_vectors>)) {
  using M = typename TestType::first_type;
  using V = typename TestType::second_type;
  const counts c = run<M, V>();
  REQUIRE(c.n >= 150);
  CHECK(c.outputs == c.n);
  CHECK(c.classes == c.n);
}

TEST_CASE("quantized digits networks classify like the float framework, within a point of its accuracy", "[nn]") {
  const counts mlp = run<m::digits_mlp, m::digits_mlp_vectors>();
  const counts cnn = run<m::digits_cnn, m::digits_cnn_vectors>();
  INFO("MLP agrees with scikit-learn on " << mlp.framework << "/450, accuracy " << mlp.correct << " vs " << mlp.framework_correct);
  INFO("CNN agrees with PyTorch on " << cnn.framework << "/450, accuracy " << cnn.correct << " vs " << cnn.framework_correct);
  CHECK(mlp.framework >= 445);
  CHECK(cnn.framework >= 445);
  CHECK(mlp.correct + 4 >= mlp.framework_correct);  // 1 point of 450 samples is 4.5
  const counts logistic = run<m::digits_mlp_logistic, m::digits_mlp_logistic_vectors>();  // sigmoid as a table
  INFO("logistic MLP agrees with scikit-learn on " << logistic.framework << "/" << logistic.n);
  CHECK(logistic.framework + 3 >= logistic.n);
  CHECK(cnn.correct + 4 >= cnn.framework_correct);
}

TEMPLATE_TEST_CASE("int8 softmax probabilities equal the numpy int8 reference on every held-out digit", "[nn][softmax]",
                   (std::pair<m::digits_mlp, m::digits_mlp_vectors>), (std::pair<m::digits_cnn, m::digits_cnn_vectors>),
                   (std::pair<m::digits_mlp_logistic, m::digits_mlp_logistic_vectors>)) {
  using M = typename TestType::first_type;
  using V = typename TestType::second_type;
  STATIC_REQUIRE(M::has_softmax && M::n_logit_layers + 1 == M::n_layers);
  std::size_t exact = 0, argmax_is_class = 0;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    typename M::input_type x{};
    for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[i][j];
    const auto q = M::probabilities(x);
    const auto p = M::predict_proba(x);
    bool same = true;
    float sum = 0.f;
    for (std::size_t k = 0; k < M::n_outputs; ++k) {
      same = same && q[k] == V::expected_proba[i][k];
      CHECK(p[k] == static_cast<float>(q[k] + 128) / 256.f);
      sum += p[k];
    }
    CHECK(std::fabs(sum - 1.f) <= M::n_outputs / 512.f);  // each code within half a step
    exact += same;
    argmax_is_class += q[M::predict(x)] == *std::max_element(q.begin(), q.end());
  }
  CHECK(exact == V::n_samples);
  CHECK(argmax_is_class == V::n_samples);  // the predicted class has the largest probability (ties allowed)
}

// The kernel on its own, against the exact softmax of the dequantized inputs, on random logits and
// the extremes: within the bound documented in include/ctml/nn/softmax.hpp.
TEMPLATE_TEST_CASE("int8 softmax is within its documented bound of the exact softmax", "[nn][softmax]",
                   ctml_models::digits_mlp_data::l2, ctml_models::digits_cnn_data::l5) {
  using layer = ctml::nn::softmax<TestType>;
  constexpr std::size_t C = 10;
  constexpr ctml::nn::dims d = ctml::nn::vec(C);
  // The input scale, from the table: table[1] = round(2^15 exp(-s)).
  const double s = -std::log(static_cast<double>(TestType::table[1]) / 32768.0);
  std::uint32_t state = 12345;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  double worst = 0, worst_saturated = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::array<std::int8_t, C> x{}, y{};
    for (auto& v : x) {
      const int kind = trial % 4;  // random, clustered near the top, extremes
      v = static_cast<std::int8_t>(kind == 3 ? ((next() >> 7) & 1 ? 127 : -128)
                                             : kind == 2 ? 127 - static_cast<int>((next() >> 9) % 8)
                                                         : static_cast<int>((next() >> 9) % 256) - 128);
    }
    layer::template run<d, d>(x.data(), nullptr, y.data());
    double e[C], total = 0;
    const int top = *std::max_element(x.begin(), x.end());
    for (std::size_t k = 0; k < C; ++k) total += e[k] = std::exp((x[k] - top) * s);
    for (std::size_t k = 0; k < C; ++k) {
      const double p = e[k] / total, err = std::fabs((y[k] + 128) / 256.0 - p) * 256.0;
      double& w = p > 255.0 / 256.0 ? worst_saturated : worst;
      w = std::max(w, err);
    }
  }
  INFO("input scale " << s << ": worst error " << worst << " steps, " << worst_saturated << " where saturated");
  CHECK(worst <= 0.5 + (C + 1) / 256.0 + 1e-3);  // + 1e-3: s is recovered from a rounded table entry
  CHECK(worst_saturated <= 1.0 + 1e-9);
}

TEST_CASE("the AVR softmax's nine-step division equals the 32-bit division", "[nn][softmax]") {
  std::uint32_t state = 99;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (int i = 0; i < 200000; ++i) {
    const std::uint32_t d = 32768u + next() % (511u * 32768u - 32768u + 1u);  // S for 1..511 classes
    const std::uint32_t n = (next() % 32769u) * 256u + d / 2;                 // 256 table[d] + S / 2
    REQUIRE(ctml::nn::detail::quotient_below_512(n, d) == n / d);
  }
  STATIC_REQUIRE(ctml::nn::detail::quotient_below_512(32768u * 256u + 16384u, 32768u) == 256u);
  STATIC_REQUIRE(ctml::nn::detail::quotient_below_512(0u, 511u * 32768u) == 0u);
}

TEST_CASE("the float path's softmax gives probabilities that sum to one", "[nn][float][softmax]") {
  using M = m::digits_mlp_float;
  using V = m::digits_mlp_float_vectors;
  STATIC_REQUIRE(M::has_softmax);
  for (std::size_t i = 0; i < V::n_samples; i += 7) {
    M::input_type x{};
    for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[i][j];
    const auto p = M::predict_proba(x);
    float sum = 0.f;
    for (float v : p) {
      CHECK((v >= 0.f && v <= 1.f));
      sum += v;
    }
    CHECK(std::fabs(sum - 1.f) <= 1e-5f);
    CHECK(p[M::predict(x)] == *std::max_element(p.begin(), p.end()));
  }
}

TEST_CASE("requantization rounds as TFLite's gemmlowp does", "[nn]") {
  using namespace ctml::nn;
  constexpr auto lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
  STATIC_REQUIRE(saturating_rounding_doubling_high_mul(lo, lo) == hi);
  STATIC_REQUIRE(saturating_rounding_doubling_high_mul(1 << 30, 1 << 30) == 1 << 29);  // 0.5 * 0.5 in Q31
  STATIC_REQUIRE(saturating_rounding_doubling_high_mul(1, 1 << 30) == 1);   // 0.5 rounds away from zero
  STATIC_REQUIRE(saturating_rounding_doubling_high_mul(-1, 1 << 30) == 0);   // but -0.5 to 0: gemmlowp's nudge is 1 - 2^30
  STATIC_REQUIRE(saturating_rounding_doubling_high_mul(-3, 1 << 30) == -1);  // -1.5 -> -1
  STATIC_REQUIRE(rounding_divide_by_pot(5, 1) == 3);    // 2.5 -> 3
  STATIC_REQUIRE(rounding_divide_by_pot(-5, 1) == -3);  // -2.5 -> -3
  STATIC_REQUIRE(rounding_divide_by_pot(-4, 2) == -1);
  STATIC_REQUIRE(rounding_divide_by_pot(lo, 31) == -1);
  STATIC_REQUIRE(rounding_divide_by_pot(hi, 31) == 1);
  // A left shift saturates instead of overflowing (TFLite would overflow here).
  STATIC_REQUIRE(multiply_by_quantized_multiplier(hi, 1 << 30, 4) == 1 << 30);
  STATIC_REQUIRE(requantize_s8(hi, hi, 30, 127, -128, 127) == 127);
  STATIC_REQUIRE(requantize_s8(lo, hi, 30, -128, -128, 127) == -128);
  // Against the real product on a sweep.
  for (std::int32_t x = -100000; x <= 100000; x += 997) {
    const std::int32_t mult = 1518500250;  // 0.7071... in Q31
    for (int s = -8; s <= 2; ++s) {
      const double exact = x * (mult / 2147483648.0) * std::ldexp(1.0, s);
      CHECK(std::fabs(multiply_by_quantized_multiplier(x, mult, s) - exact) <= 1.0);  // two roundings: at most 1/2 + 1/2^(k+1)
    }
  }
}

TEST_CASE("the split (AVR) and SMLAL (Cortex-M) requantization products equal gemmlowp's for every kind of input", "[nn]") {
  using ctml::nn::detail::multiply_by_quantized_multiplier_split;  // against the gemmlowp form (the host's)
  using ctml::nn::detail::multiply_by_quantized_multiplier_smlal;
  constexpr auto lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
  STATIC_REQUIRE(multiply_by_quantized_multiplier_split(lo, lo, 0) == hi);  // the high mul's saturation
  STATIC_REQUIRE(multiply_by_quantized_multiplier_split(lo, lo, -1) == 1 << 30);
  STATIC_REQUIRE(multiply_by_quantized_multiplier_split(-1, 1 << 30, 0) == 0);   // -0.5 -> 0
  STATIC_REQUIRE(multiply_by_quantized_multiplier_split(-3, 1 << 30, 0) == -1);  // -1.5 -> -1
  STATIC_REQUIRE(multiply_by_quantized_multiplier_split(-10, 1 << 30, -1) == -3);  // -5 / 2 -> -3
  STATIC_REQUIRE(multiply_by_quantized_multiplier_split(lo, hi, -31) == -1);
  STATIC_REQUIRE(multiply_by_quantized_multiplier_split(hi, 1 << 30, 4) == 1 << 30);
  STATIC_REQUIRE(multiply_by_quantized_multiplier_smlal(lo, lo, 0) == hi);
  STATIC_REQUIRE(multiply_by_quantized_multiplier_smlal(lo, lo, -1) == 1 << 30);
  STATIC_REQUIRE(multiply_by_quantized_multiplier_smlal(-1, 1 << 30, 0) == 0);
  STATIC_REQUIRE(multiply_by_quantized_multiplier_smlal(-3, 1 << 30, 0) == -1);
  STATIC_REQUIRE(multiply_by_quantized_multiplier_smlal(-10, 1 << 30, -1) == -3);
  STATIC_REQUIRE(multiply_by_quantized_multiplier_smlal(10, 1 << 30, -1) == 3);  // 5 / 2 -> 3
  STATIC_REQUIRE(multiply_by_quantized_multiplier_smlal(lo, hi, -31) == -1);
  STATIC_REQUIRE(multiply_by_quantized_multiplier_smlal(hi, 1 << 30, 4) == 1 << 30);
  std::mt19937_64 rng(7);
  long mismatches = 0, smlal_mismatches = 0;
  const auto check = [&](std::int32_t x, std::int32_t m, int s) {
    const std::int32_t want = ctml::nn::multiply_by_quantized_multiplier(x, m, s);
    mismatches += multiply_by_quantized_multiplier_split(x, m, s) != want;
    smlal_mismatches += multiply_by_quantized_multiplier_smlal(x, m, s) != want;
  };
  for (int s = -31; s <= 30; ++s)
    for (std::int32_t x : {lo, lo + 1, -(1 << 30), -65536, -255, -1, 0, 1, 255, 65535, 1 << 30, hi - 1, hi})
      for (std::int32_t m : {lo, lo + 1, -(1 << 30), -1, 0, 1, 12345, 1 << 30, (1 << 30) + 1, hi}) check(x, m, s);
  for (int i = 0; i < 2'000'000; ++i) {
    const std::uint64_t r = rng();
    const auto x = static_cast<std::int32_t>(r) >> (r >> 59);  // every magnitude
    const auto m = (i & 7) ? static_cast<std::int32_t>((1u << 30) | (static_cast<std::uint32_t>(r >> 32) >> 2))
                           : static_cast<std::int32_t>(r >> 32);
    check(x, m, static_cast<int>((r >> 40) % 62) - 31);
  }
  CHECK(mismatches == 0);
  CHECK(smlal_mismatches == 0);
}

TEST_CASE("the arena plan reuses dead activations and ram_bytes is the arena, the output and one call frame", "[nn]") {
  using cnn = m::digits_cnn;  // 8x8x8 -> 4x4x8 -> 4x4x16 -> 2x2x16 -> 10
  STATIC_REQUIRE(cnn::shapes[1] == ctml::nn::dims{8, 8, 8});
  STATIC_REQUIRE(cnn::output_dims == ctml::nn::vec(10));
  STATIC_REQUIRE(cnn::arena_bytes == 512 + 128);  // the 4x4x16 map reuses the first 512 bytes
  STATIC_REQUIRE(cnn::plan.offset[3] == 0);
  STATIC_REQUIRE(cnn::ram_bytes == cnn::arena_bytes + 2 * 10 + ctml::nn::call_frame_bytes + cnn::scratch_bytes);  // + the logits and probabilities returned
  // Where conv2d runs as a matrix multiply (offset_in_dot), its im2col columns: two of the second
  // conv's 3 x 3 x 8 windows.
  STATIC_REQUIRE(cnn::scratch_bytes == (ctml::platform::offset_in_dot ? 2 * 3 * 3 * 8 : 0));
  using res = m::digits_residual;  // the skip tensor stays alive across the depthwise layer
  STATIC_REQUIRE(res::arena_bytes == 3 * 256);
  STATIC_REQUIRE(m::digits_mlp::arena_bytes == 32 + 10);  // the softmax's 10 outputs reuse the hidden layer's bytes
}

TEST_CASE("the input quantizer maps NaN to a real 0 and saturates infinities", "[nn]") {
  constexpr float inf = std::numeric_limits<float>::infinity();
  std::array<float, 64> x{};
  x[0] = std::numeric_limits<float>::quiet_NaN(), x[1] = inf, x[2] = -inf, x[3] = 1e30f, x[4] = 16.f, x[5] = 7.f;
  const auto q = m::digits_mlp_info::quantize(x);
  CHECK(q[0] == m::digits_mlp_info::input_zero);
  CHECK(q[1] == 127);
  CHECK(q[2] == -128);
  CHECK(q[3] == 127);
  CHECK(q[4] == 16 * 15 - 128);  // digits' 0..16 get the lossless step 1/15
  CHECK(q[5] == 7 * 15 - 128);
  CHECK(q[6] == m::digits_mlp_info::input_zero);
}

TEMPLATE_TEST_CASE("the float path classifies like the framework it was trained in", "[nn][float]",
                   (std::pair<m::digits_mlp_float, m::digits_mlp_float_vectors>),
                   (std::pair<m::digits_cnn_float, m::digits_cnn_float_vectors>),
                   (std::pair<m::digits_mlp_logistic_float, m::digits_mlp_logistic_float_vectors>)) {
  using M = typename TestType::first_type;
  using V = typename TestType::second_type;
  STATIC_REQUIRE(std::is_same_v<typename M::value_type, float> && !M::bit_exact);
  std::size_t agree = 0;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    typename M::input_type x{};
    for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[i][j];
    agree += M::predict(x) == V::expected_class[i];
  }
  // float32 against the framework's float64: only a near-tie could flip.
  CHECK(agree + 1 >= V::n_samples);
}

TEST_CASE("the float path's arena holds floats", "[nn][float]") {
  STATIC_REQUIRE(m::digits_cnn_float::arena_bytes == 4 * m::digits_cnn::arena_bytes);
  STATIC_REQUIRE(m::digits_cnn_float::flash_bytes - m::digits_cnn_float::code_bytes == 4 * (72 + 1152 + 640) + 4 * (8 + 16 + 10));
}
