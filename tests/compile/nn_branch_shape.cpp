// Must not compile: a shortcut (branch) that claims its source tensor is 4x4x2 when tensor 0, the
// network input, is 4x4x1.
#include <ctml/nn/nn.hpp>
struct pool {
  static constexpr std::size_t kh = 2, kw = 2, stride_h = 2, stride_w = 2;
  static constexpr std::size_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  static constexpr std::int32_t act_min = -128, act_max = 127;
};
using net = ctml::nn::network<ctml::nn::dims{4, 4, 1}, ctml::nn::max_pool2d<pool>,
                              ctml::nn::branch<0, ctml::nn::dims{4, 4, 2}, ctml::nn::max_pool2d<pool>>>;
static_assert(net::arena_bytes > 0);
int main() {}
