// Must not compile: an int8 layer followed by a float layer in one network.
#include <ctml/nn/nn.hpp>
struct int8_layer {
  static constexpr std::size_t inputs = 4, units = 4;
  static constexpr std::int8_t weight[16] = {};
  static constexpr std::int32_t bias[4] = {}, multiplier[4] = {};
  static constexpr std::int8_t shift[4] = {};
  static constexpr std::int32_t output_zero = 0, act_min = -128, act_max = 127;
};
struct float_layer {
  static constexpr std::size_t inputs = 4, units = 2;
  static constexpr float weight[8] = {}, bias[2] = {};
  static constexpr float act_min = -1e30f, act_max = 1e30f;
};
using net = ctml::nn::network<ctml::nn::vec(4), ctml::nn::dense<int8_layer>, ctml::nn::dense_f32<float_layer>>;
static_assert(net::arena_bytes > 0);
int main() {}
