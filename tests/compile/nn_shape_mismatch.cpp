// Must not compile: a dense layer made for 10 inputs placed after an 8-value input.
#include <ctml/nn/nn.hpp>
struct ten_inputs {
  static constexpr std::size_t inputs = 10, units = 2;
  static constexpr std::int8_t weight[20] = {};
  static constexpr std::int32_t bias[2] = {}, multiplier[2] = {};
  static constexpr std::int8_t shift[2] = {};
  static constexpr std::int32_t output_zero = 0, act_min = -128, act_max = 127;
};
using net = ctml::nn::network<ctml::nn::dims{1, 1, 8}, ctml::nn::dense<ten_inputs>>;
static_assert(net::arena_bytes > 0);
int main() {}
