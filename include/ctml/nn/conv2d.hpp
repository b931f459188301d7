// 2-D convolution, int8 (TFLite CONV_2D), HWC activations, weights [out_c][kh][kw][in_c] in flash,
// per-output-channel symmetric. Padding is explicit (codegen turns "same"/"valid"/PyTorch padding
// into pad_top/bottom/left/right); padded taps hold the input zero point, i.e. a real 0, so they
// add nothing: the kernel skips them and subtracts zp_in * (sum of the weights it used).
//
// P (generated): in_c, out_c, kh, kw, stride_h, stride_w, pad_top, pad_bottom, pad_left, pad_right,
// input_offset (= -zp_in), weight, bias[out_c], multiplier[out_c], shift[out_c], output_zero,
// act_min, act_max.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../core/fixed.hpp"
#include "../platform/flash.hpp"
#include "requantize.hpp"
#include "shape.hpp"

namespace ctml::nn {

template <class P>
struct conv2d {
  static constexpr int extra_input = -1;
  static constexpr dims out_dims(dims in) noexcept {
    return dims{window_out(in.h, P::pad_top, P::pad_bottom, P::kh, P::stride_h),
                window_out(in.w, P::pad_left, P::pad_right, P::kw, P::stride_w), P::out_c};
  }
  static constexpr bool accepts(dims in) noexcept { return in.c == P::in_c && out_dims(in).size() > 0; }
  static constexpr std::size_t flash_bytes =
      sizeof(P::weight) + sizeof(P::bias) + sizeof(P::multiplier) + sizeof(P::shift);
  static_assert(sizeof(P::weight) == P::out_c * P::kh * P::kw * P::in_c,
                "ctml: conv2d weight must hold out_c x kh x kw x in_c int8 values");

  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* x, const std::int8_t*, std::int8_t* y) noexcept {
    for (std::size_t oy = 0; oy < Out.h; ++oy)
      for (std::size_t ox = 0; ox < Out.w; ++ox)
        for (std::size_t oc = 0; oc < P::out_c; ++oc) y[(oy * Out.w + ox) * Out.c + oc] = pixel<In>(x, oy, ox, oc);
  }

 private:
  template <dims In>
  static constexpr std::int8_t pixel(const std::int8_t* x, std::size_t oy, std::size_t ox, std::size_t oc) noexcept {
    using platform::flash_read;
    std::int32_t acc = 0, wsum = 0;
    for (std::size_t ky = 0; ky < P::kh; ++ky) {
      const std::size_t iy = oy * P::stride_h + ky;  // in padded coordinates
      if (iy < P::pad_top || iy - P::pad_top >= In.h) continue;
      for (std::size_t kx = 0; kx < P::kw; ++kx) {
        const std::size_t ix = ox * P::stride_w + kx;
        if (ix < P::pad_left || ix - P::pad_left >= In.w) continue;
        const std::int8_t* w = &P::weight[((oc * P::kh + ky) * P::kw + kx) * P::in_c];
        const std::int8_t* in = &x[((iy - P::pad_top) * In.w + (ix - P::pad_left)) * In.c];
        for (std::size_t ic = 0; ic < P::in_c; ++ic) {
          const std::int8_t wv = flash_read(&w[ic]);
          acc += fixed::widening_mul(wv, in[ic]);
          wsum += wv;
        }
      }
    }
    acc += flash_read(&P::bias[oc]) + P::input_offset * wsum;
    return requantize_s8(acc, flash_read(&P::multiplier[oc]), flash_read(&P::shift[oc]), P::output_zero, P::act_min,
                         P::act_max);
  }
};

}  // namespace ctml::nn
