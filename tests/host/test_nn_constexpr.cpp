// Networks evaluated by the compiler: a hand-written tiny net whose answers are worked out by
// hand below, and the digits MLP and CNN on held-out samples (against the numpy reference).
#include <array>
#include <cstdint>

#include <catch2/catch.hpp>

#include "digits_cnn.hpp"
#include "digits_cnn_vectors.hpp"
#include "digits_mlp.hpp"
#include "digits_mlp_vectors.hpp"
#include "digits_residual.hpp"
#include <ctml/nn/nn.hpp>

namespace {

// y = relu(W x + b) with W = [[1, 2], [-3, 1]], b = 0, multiplier 0.5 (Q31 2^30, shift 0).
struct tiny_dense {
  static constexpr std::size_t inputs = 2, units = 2;
  static constexpr std::int8_t weight[4] = {1, 2, -3, 1};
  static constexpr std::int32_t bias[2] = {0, 0};
  static constexpr std::int32_t multiplier[2] = {1 << 30, 1 << 30};
  static constexpr std::int8_t shift[2] = {0, 0};
  static constexpr std::int32_t output_zero = 0, act_min = 0, act_max = 127;
};
struct tiny_pool {
  static constexpr std::size_t kh = 1, kw = 2, stride_h = 1, stride_w = 2;
  static constexpr std::size_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  static constexpr std::int32_t act_min = -128, act_max = 127;
};
using tiny = ctml::nn::network<ctml::nn::dims{1, 1, 2}, ctml::nn::dense<tiny_dense>>;

// x = (10, 4): W x = (18, -26) -> * 0.5 = (9, -13) -> relu (9, 0): class 0.
static_assert(tiny::logits({10, 4}) == std::array<std::int8_t, 2>{9, 0});
static_assert(tiny::predict({10, 4}) == 0);
// x = (-10, 5): W x = (0, 35) -> (0, 17.5 -> 18): class 1 (rounding half away from zero).
static_assert(tiny::logits({-10, 5}) == std::array<std::int8_t, 2>{0, 18});
static_assert(tiny::predict({-10, 5}) == 1);
// weights, bias, multiplier, shift and (off AVR) the requantize parameters the kernels keep
static_assert(tiny::arena_bytes == 2 && tiny::flash_bytes - tiny::code_bytes == 4 + 8 + 8 + 2 + sizeof(ctml::nn::detail::conv_quant));

// The same tensor seen as a 1x2x1 image and max-pooled.
using pooled = ctml::nn::network<ctml::nn::dims{1, 2, 1}, ctml::nn::max_pool2d<tiny_pool>>;
static_assert(pooled::logits({-7, 3}) == std::array<std::int8_t, 1>{3});

// A dense layer fused with the residual add after it, written over the shortcut in place
// (add_in_place), against the same two layers unfused: tensor 1 is the shortcut, read again only
// by the add. The add's requantization y = round(0.5 (a + 3) + 0.7071 (b - 2)) + 1 rounds on
// most inputs, so any difference in order or rounding shows.
struct tiny_add {
  static constexpr int other = 1;
  static constexpr std::int32_t in1_offset = 3, in1_multiplier = 1 << 30, in1_shift = 0;
  static constexpr std::int32_t in2_offset = -2, in2_multiplier = 1518500250, in2_shift = 0;
  static constexpr std::int32_t out_multiplier = 1 << 30, out_shift = -19;
  static constexpr std::int32_t output_zero = 1, act_min = -128, act_max = 127;
};
using d = ctml::nn::dense<tiny_dense>;
using unfused = ctml::nn::network<ctml::nn::dims{1, 1, 2}, d, d, d, ctml::nn::add<tiny_add>>;
using fused = ctml::nn::network<ctml::nn::dims{1, 1, 2}, d, d, ctml::nn::add_in_place<d, tiny_add>>;
constexpr bool fused_equals_unfused() {
  for (int a = -128; a <= 127; a += 15)
    for (int b = -128; b <= 127; b += 15) {
      const std::array<std::int8_t, 2> x{static_cast<std::int8_t>(a), static_cast<std::int8_t>(b)};
      if (fused::logits(x) != unfused::logits(x)) return false;
    }
  return true;
}
static_assert(fused_equals_unfused());
// (10, 4) -> (9, 0) -> (4.5 -> 5, 0) -> (2.5 -> 3, 0), the shortcut (9, 0); the add:
// round(0.5 * 6 + 0.7071 * 7 = 7.95) + 1 = 9 and round(0.5 * 3 + 0.7071 * (-2) = 0.086) + 1 = 1.
static_assert(fused::logits({10, 4}) == std::array<std::int8_t, 2>{9, 1});
static_assert(fused::in_place[2] && fused::plan.offset[3] == fused::plan.offset[1]);
static_assert(unfused::arena_bytes == 3 * 2 && fused::arena_bytes == 2 * 2);  // three pairs alive at the add, then two

template <class M, class V, std::size_t I>
constexpr bool matches_reference() {
  typename M::input_type x{};
  for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[I][j];
  const auto y = M::logits(x);
  for (std::size_t k = 0; k < M::n_outputs; ++k)
    if (y[k] != V::expected_output[I][k]) return false;
  if constexpr (M::has_softmax) {  // the softmax codes too, at compile time
    const auto q = M::probabilities(x);
    for (std::size_t k = 0; k < M::n_outputs; ++k)
      if (q[k] != V::expected_proba[I][k]) return false;
  }
  return M::predict(x) == V::expected_class[I];
}
static_assert(matches_reference<ctml_models::digits_mlp, ctml_models::digits_mlp_vectors_head, 0>());
static_assert(matches_reference<ctml_models::digits_mlp, ctml_models::digits_mlp_vectors_head, 1>());
static_assert(matches_reference<ctml_models::digits_cnn, ctml_models::digits_cnn_vectors_head, 0>());

// Extreme inputs: a constant expression cannot overflow a signed integer or read outside an
// array, so these compiling proves every kernel is defined behaviour on them.
template <class M, int V>
constexpr bool defined_for() {
  typename M::input_type x{};
  for (auto& v : x) v = static_cast<std::int8_t>(V);
  if constexpr (M::has_softmax) {
    const auto q = M::probabilities(x);  // the softmax on extreme logits: no overflow, no division by 0
    int sum = 0;
    for (auto v : q) sum += v + 128;
    if (sum < 256 - static_cast<int>(M::n_outputs) || sum > 256 + static_cast<int>(M::n_outputs)) return false;
  }
  return M::predict(x) < M::n_outputs;
}
static_assert(defined_for<ctml_models::digits_mlp, -128>() && defined_for<ctml_models::digits_mlp, 127>());
static_assert(defined_for<ctml_models::digits_cnn, -128>() && defined_for<ctml_models::digits_cnn, 127>());
static_assert(defined_for<ctml_models::digits_residual, -128>() && defined_for<ctml_models::digits_residual, 127>());

}  // namespace

TEST_CASE("networks run at compile time (the static_asserts above are the test)", "[nn][constexpr]") { SUCCEED(); }
