// Depthwise 2-D convolution, int8 (TFLite DEPTHWISE_CONV_2D): output channel ic * multiplier + m
// filters input channel ic alone. Weights [kh][kw][in_c * multiplier] in flash (TFLite's 1HWO),
// per-output-channel symmetric; padding handled as in conv2d.hpp. On Cortex-M4, four channels
// per step (detail::depthwise_channels, whole 3 x 3 windows unrolled): DS-CNN's 3 x 3 layers on
// 25 x 5 x 64 1.72 M -> 0.56 M instructions each.
//
// P (generated): in_c, multiplier_per_channel, kh, kw, stride_h, stride_w, pad_top, pad_bottom,
// pad_left, pad_right, input_offset, weight, bias, multiplier, shift, output_zero, act_min, act_max.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../core/fixed.hpp"
#include "../platform/dot.hpp"
#include "../platform/flash.hpp"
#include "conv2d.hpp"
#include "requantize.hpp"
#include "shape.hpp"

namespace ctml::nn {

namespace detail {
// Four channels per step (platform::window4_s8), the window clipped to the input once per pixel,
// requantized in the same loop. Out of line, one function per shape: DS-CNN's four 3 x 3 layers
// share it (the layer's constants are read at run time from its conv_quant).
template <conv_shape S, dims In, dims Out>
[[gnu::noinline]] constexpr void depthwise_channels(const conv_quant& q, const std::int8_t* x, std::int8_t* y) noexcept {
  using platform::flash_read;
  constexpr std::size_t C = S.out_c;
  // The layer's constants in locals: the int8 stores may alias anything, so fields of q would be
  // reloaded after each.
  const std::int8_t* const weight = q.weight;
  const std::int32_t *const bias = q.bias, *const mult = q.multiplier;
  const std::int8_t* const shift = q.shift;
  const std::int32_t offset = q.input_offset, zero = q.output_zero, lo = q.act_min, hi = q.act_max;
  for (std::size_t oy = 0; oy < Out.h; ++oy) {
    const std::size_t y0 = oy * S.stride_h, bottom = S.pad_top + In.h;
    const std::size_t ky0 = y0 < S.pad_top ? S.pad_top - y0 : 0;
    const std::size_t ky1 = y0 >= bottom ? 0 : (y0 + S.kh <= bottom ? S.kh : bottom - y0);
    for (std::size_t ox = 0; ox < Out.w; ++ox) {
      const std::size_t x0 = ox * S.stride_w, right = S.pad_left + In.w;
      const std::size_t kx0 = x0 < S.pad_left ? S.pad_left - x0 : 0;
      const std::size_t kx1 = x0 >= right ? 0 : (x0 + S.kw <= right ? S.kw : right - x0);
      const bool inside = ky1 > ky0 && kx1 > kx0;  // (a window wholly in the padding reads nothing)
      const bool full = ky1 - ky0 == S.kh && kx1 - kx0 == S.kw;
      const std::int8_t* in = inside ? &x[((y0 + ky0 - S.pad_top) * In.w + (x0 + kx0 - S.pad_left)) * In.c] : x;
      std::int8_t* out = &y[(oy * Out.w + ox) * C];
      for (std::size_t c = 0; c < C; c += 4) {
        platform::detail::acc4 a{0, 0, 0, 0};  // (channels c .. c + 3)
        if (full && S.kh * S.kw <= 9) {  // (unrolled: 3 x 3 and smaller windows)
          a = platform::window4_full_s8<S.kh, S.kw, C, S.kw * C, In.w * In.c>(&weight[c], in + c, offset);
        } else if (inside) {
          std::int32_t t[4] = {0, 0, 0, 0};
          platform::window4_s8<C, S.kw * C, In.w * In.c>(&weight[(ky0 * S.kw + kx0) * C + c], in + c, ky1 - ky0,
                                                         kx1 - kx0, offset, t);
          a = platform::detail::acc4{t[0], t[1], t[2], t[3]};
        }
        out[c] = requantize_s8_inline(a.a00 + flash_read(&bias[c]), flash_read(&mult[c]), flash_read(&shift[c]), zero, lo, hi);
        out[c + 1] = requantize_s8_inline(a.a01 + flash_read(&bias[c + 1]), flash_read(&mult[c + 1]),
                                          flash_read(&shift[c + 1]), zero, lo, hi);
        out[c + 2] = requantize_s8_inline(a.a10 + flash_read(&bias[c + 2]), flash_read(&mult[c + 2]),
                                          flash_read(&shift[c + 2]), zero, lo, hi);
        out[c + 3] = requantize_s8_inline(a.a11 + flash_read(&bias[c + 3]), flash_read(&mult[c + 3]),
                                          flash_read(&shift[c + 3]), zero, lo, hi);
      }
    }
  }
}
}  // namespace detail

template <class P>
struct depthwise_conv2d {
  using value_type = std::int8_t;
  static constexpr int extra_input = -1;
  static constexpr std::size_t out_c = P::in_c * P::multiplier_per_channel;
  static constexpr dims out_dims(dims in) noexcept {
    return dims{window_out(in.h, P::pad_top, P::pad_bottom, P::kh, P::stride_h),
                window_out(in.w, P::pad_left, P::pad_right, P::kw, P::stride_w), out_c};
  }
  static constexpr bool accepts(dims in) noexcept { return in.c == P::in_c && out_dims(in).size() > 0; }
  // + the requantize parameters (detail::conv_quant) the kernels may keep as a constant off AVR.
  static constexpr std::size_t flash_bytes = sizeof(P::weight) + sizeof(P::bias) + sizeof(P::multiplier) +
                                             sizeof(P::shift) + (platform::is_avr ? 0 : sizeof(detail::conv_quant));
  static_assert(sizeof(P::weight) == P::kh * P::kw * out_c, "ctml: depthwise weight must hold kh x kw x out_c int8 values");

  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* x, const std::int8_t*, std::int8_t* y) noexcept {
    using platform::flash_read;
    if constexpr (by_channels) {
      run_channels<In, Out>(x, y);
      return;
    }
    for (std::size_t oy = 0; oy < Out.h; ++oy)
      for (std::size_t ox = 0; ox < Out.w; ++ox)
        for (std::size_t oc = 0; oc < out_c; ++oc) {
          const std::size_t ic = oc / P::multiplier_per_channel;
          std::int32_t acc = 0, wsum = 0;
          for (std::size_t ky = 0; ky < P::kh; ++ky) {
            const std::size_t iy = oy * P::stride_h + ky;
            if (iy < P::pad_top || iy - P::pad_top >= In.h) continue;
            for (std::size_t kx = 0; kx < P::kw; ++kx) {
              const std::size_t ix = ox * P::stride_w + kx;
              if (ix < P::pad_left || ix - P::pad_left >= In.w) continue;
              const std::int8_t wv = flash_read(&P::weight[(ky * P::kw + kx) * out_c + oc]);
              acc += fixed::widening_mul(wv, x[((iy - P::pad_top) * In.w + (ix - P::pad_left)) * In.c + ic]);
              wsum += wv;
            }
          }
          acc += flash_read(&P::bias[oc]) + P::input_offset * wsum;
          y[(oy * Out.w + ox) * out_c + oc] = requantize_s8(acc, flash_read(&P::multiplier[oc]),
                                                            flash_read(&P::shift[oc]), P::output_zero, P::act_min,
                                                            P::act_max);
        }
  }

 private:
  // Where the input offset is free (Cortex-M4): four channels per step, a tap's weights and inputs
  // both contiguous over channels (platform::window4_s8), and the window clipped to the input once per
  // pixel instead of a bounds test per tap.
  static constexpr bool by_channels = platform::offset_in_dot && P::multiplier_per_channel == 1 && P::in_c % 4 == 0;

  static constexpr detail::conv_shape shape{P::in_c, out_c, P::kh, P::kw, P::stride_h, P::stride_w,
                                            P::pad_top, P::pad_bottom, P::pad_left, P::pad_right};
  static constexpr detail::conv_quant quant{P::weight, P::bias, P::multiplier, P::shift,
                                            P::input_offset, P::output_zero, P::act_min, P::act_max};
  template <dims In, dims Out>
  [[gnu::always_inline]] static constexpr void run_channels(const std::int8_t* x, std::int8_t* y) noexcept {
    detail::depthwise_channels<shape, In, Out>(quant, x, y);
  }
};

}  // namespace ctml::nn
