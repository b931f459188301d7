// Must not compile: a layer fused with the residual add in place (add_in_place) whose shortcut is
// its own input: writing over the input while the kernel still reads it would corrupt the result.
#include <ctml/nn/nn.hpp>
struct fc {
  static constexpr std::size_t inputs = 2, units = 2;
  static constexpr std::int8_t weight[4] = {1, 2, -3, 1};
  static constexpr std::int32_t bias[2] = {0, 0};
  static constexpr std::int32_t multiplier[2] = {1 << 30, 1 << 30};
  static constexpr std::int8_t shift[2] = {0, 0};
  static constexpr std::int32_t output_zero = 0, act_min = 0, act_max = 127;
};
struct sum {
  static constexpr int other = 1;  // tensor 1 is also the fused dense layer's input
  static constexpr std::int32_t in1_offset = 0, in1_multiplier = 1 << 30, in1_shift = 0;
  static constexpr std::int32_t in2_offset = 0, in2_multiplier = 1 << 30, in2_shift = 0;
  static constexpr std::int32_t out_multiplier = 1 << 30, out_shift = -19;
  static constexpr std::int32_t output_zero = 0, act_min = -128, act_max = 127;
};
using net = ctml::nn::network<ctml::nn::dims{1, 1, 2}, ctml::nn::dense<fc>,
                              ctml::nn::add_in_place<ctml::nn::dense<fc>, sum>>;
static_assert(net::arena_bytes > 0);
int main() {}
