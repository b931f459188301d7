// The MLPerf Tiny reference networks (examples/make_mlperf.py): every output of every test input
// equals the numpy int8 reference, the MAC counts equal the topologies' hand counts, and the
// arena plan is compared with lower bounds computed by codegen from the tensors' lifetimes.
#include <array>
#include <cstdint>

#include <catch2/catch.hpp>

#include "mlperf_autoencoder.hpp"
#include "mlperf_autoencoder_vectors.hpp"
#include "mlperf_ds_cnn.hpp"
#include "mlperf_ds_cnn_vectors.hpp"
#include "mlperf_resnet8.hpp"
#include "mlperf_resnet8_vectors.hpp"

namespace m = ctml_models;

namespace {

template <class M, class V>
std::size_t exact_outputs() {
  std::size_t same = 0;
  for (std::size_t i = 0; i < V::n_samples; ++i) {
    typename M::input_type x{};
    for (std::size_t j = 0; j < M::n_features; ++j) x[j] = V::inputs[i][j];
    const auto y = M::logits(x);
    bool ok = M::predict(x) == V::expected_class[i];
    for (std::size_t k = 0; k < M::n_outputs; ++k) ok = ok && y[k] == V::expected_output[i][k];
    same += ok;
  }
  return same;
}

// Multiply-accumulates counted by hand from the reference topologies.
constexpr std::size_t conv(std::size_t oh, std::size_t ow, std::size_t oc, std::size_t taps) { return oh * ow * oc * taps; }
constexpr std::size_t ds_cnn_macs =
    conv(25, 5, 64, 10 * 4) + 4 * (conv(25, 5, 64, 9) + conv(25, 5, 64, 64)) + 64 * 12;
constexpr std::size_t resnet8_macs = conv(32, 32, 16, 27) + 2 * conv(32, 32, 16, 144)                      // stem, stack 1
                                     + conv(16, 16, 32, 144) + conv(16, 16, 32, 288) + conv(16, 16, 32, 16)  // stack 2
                                     + conv(8, 8, 64, 288) + conv(8, 8, 64, 576) + conv(8, 8, 64, 32)        // stack 3
                                     + 64 * 10;
constexpr std::size_t autoencoder_macs = 640 * 128 + 3 * 128 * 128 + 128 * 8 + 8 * 128 + 3 * 128 * 128 + 128 * 640;

}  // namespace

static_assert(m::mlperf_ds_cnn_info::macs == ds_cnn_macs);
static_assert(m::mlperf_resnet8_info::macs == resnet8_macs);
static_assert(m::mlperf_autoencoder_info::macs == autoencoder_macs);

TEMPLATE_TEST_CASE("MLPerf Tiny networks equal the numpy int8 reference on every output", "[nn][mlperf]",
                   (std::pair<m::mlperf_ds_cnn, m::mlperf_ds_cnn_vectors>),
                   (std::pair<m::mlperf_resnet8, m::mlperf_resnet8_vectors>),
                   (std::pair<m::mlperf_autoencoder, m::mlperf_autoencoder_vectors>)) {
  using M = typename TestType::first_type;
  using V = typename TestType::second_type;
  REQUIRE(V::n_samples == 5);
  CHECK(exact_outputs<M, V>() == V::n_samples);
}

TEST_CASE("the arena plan is no worse than the live-tensor bounds", "[nn][mlperf]") {
  // Chains (DS-CNN, autoencoder): the plan reaches the largest pair of tensors alive together.
  STATIC_REQUIRE(m::mlperf_ds_cnn::arena_bytes == m::mlperf_ds_cnn_info::two_largest_live_bytes);
  STATIC_REQUIRE(m::mlperf_ds_cnn::arena_bytes == 2 * 25 * 5 * 64);
  STATIC_REQUIRE(m::mlperf_autoencoder::arena_bytes == m::mlperf_autoencoder_info::two_largest_live_bytes);
  STATIC_REQUIRE(m::mlperf_autoencoder::arena_bytes == 128 + 640);
  // ResNet-8: unfused, stack 1's second convolution has three 32x32x16 maps alive (its input, its
  // output and the block's input kept for the residual add: all_live). Codegen fuses that
  // convolution with the add, writing over the block's input in place (add_in_place), so only
  // two are alive: the plan meets the two-largest bound.
  STATIC_REQUIRE(m::mlperf_resnet8_info::all_live_bytes == 3 * 32 * 32 * 16);
  STATIC_REQUIRE(m::mlperf_resnet8_info::two_largest_live_bytes == 2 * 32 * 32 * 16);
  STATIC_REQUIRE(m::mlperf_resnet8::arena_bytes == m::mlperf_resnet8_info::two_largest_live_bytes);
  STATIC_REQUIRE(m::mlperf_resnet8::in_place[2]);  // stack 1's second convolution + add
  STATIC_REQUIRE(m::mlperf_resnet8::plan.offset[3] == m::mlperf_resnet8::plan.offset[1]);  // over the block input
  // Every network: the plan never exceeds the sum of the tensors alive at once.
  STATIC_REQUIRE(m::mlperf_ds_cnn::arena_bytes <= m::mlperf_ds_cnn_info::all_live_bytes);
  STATIC_REQUIRE(m::mlperf_autoencoder::arena_bytes <= m::mlperf_autoencoder_info::all_live_bytes);
}

TEST_CASE("ResNet-8's projection shortcuts read the block inputs", "[nn][mlperf]") {
  using r = m::mlperf_resnet8;
  // (layer 2 is stack 1's second convolution fused with its add: one tensor fewer than unfused)
  STATIC_REQUIRE(r::extra[5] == 3);  // stack 2's 1x1 stride-2 shortcut reads stack 1's output
  STATIC_REQUIRE(r::extra[9] == 7);  // stack 3's reads stack 2's
  STATIC_REQUIRE(r::shapes[6] == ctml::nn::dims{16, 16, 32});
  STATIC_REQUIRE(r::shapes[10] == ctml::nn::dims{8, 8, 64});
  STATIC_REQUIRE(r::output_dims == ctml::nn::vec(10));
}
