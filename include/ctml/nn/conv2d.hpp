// 2-D convolution, int8 (TFLite CONV_2D), HWC activations, weights [out_c][kh][kw][in_c] in flash,
// per-output-channel symmetric. Padding is explicit (codegen turns "same"/"valid"/PyTorch padding
// into pad_top/bottom/left/right); padded taps hold the input zero point, i.e. a real 0, so they
// add nothing: the kernel skips them and subtracts zp_in * (sum of the weights it used). Where
// platform::offset_in_dot (Cortex-M4), the offset is added to each input inside the dot for free
// (SXTAB16) and four output channels share each input load: ResNet-8 65.8 M -> 34.2 M
// instructions, DS-CNN's pointwise convs 2.85 M -> 1.60 M each.
//
// P (generated): in_c, out_c, kh, kw, stride_h, stride_w, pad_top, pad_bottom, pad_left, pad_right,
// input_offset (= -zp_in), weight, bias[out_c], multiplier[out_c], shift[out_c], output_zero,
// act_min, act_max.
#pragma once
#include <cstddef>
#include <cstdint>

#include "../platform/dot.hpp"
#include "../platform/flash.hpp"
#include "requantize.hpp"
#include "shape.hpp"

namespace ctml::nn {

template <class P>
struct conv2d {
  using value_type = std::int8_t;
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
    run_into<In, Out, store_s8>(x, y);
  }

  // Store::put(p, v) writes output value v at p; add_in_place's adds the residual there, in place.
  // Inlined into the network's infer as run was before it existed: an out-of-line call would add
  // its frame to the measured stack (80 B on DS-CNN, Cortex-M4).
  template <dims In, dims Out, class Store>
  [[gnu::always_inline]] static constexpr void run_into(const std::int8_t* x, std::int8_t* y) noexcept {
    for (std::size_t oy = 0; oy < Out.h; ++oy) {
      // Kernel rows inside the input: [ky0, ky1).
      const std::size_t y0 = oy * P::stride_h, bottom = P::pad_top + In.h;
      const std::size_t ky0 = y0 < P::pad_top ? P::pad_top - y0 : 0;
      const std::size_t ky1 = y0 >= bottom ? 0 : (y0 + P::kh <= bottom ? P::kh : bottom - y0);
      for (std::size_t ox = 0; ox < Out.w; ++ox) {
        // Kernel columns inside the input: [kx0, kx1). Their taps are contiguous in both the HWC
        // input and the [oc][ky][kx][ic] weights, so each kernel row is one dot product.
        const std::size_t x0 = ox * P::stride_w, right = P::pad_left + In.w;
        const std::size_t kx0 = x0 < P::pad_left ? P::pad_left - x0 : 0;
        const std::size_t kx1 = x0 >= right ? 0 : (x0 + P::kw <= right ? P::kw : right - x0);
        const std::size_t n = kx1 > kx0 ? (kx1 - kx0) * P::in_c : 0;
        const std::int8_t* in =  // (a window wholly in the padding reads nothing)
            n > 0 && ky1 > ky0 ? &x[((y0 + ky0 - P::pad_top) * In.w + (x0 + kx0 - P::pad_left)) * In.c] : x;
        std::int8_t* out = &y[(oy * Out.w + ox) * Out.c];
        if constexpr (platform::offset_in_dot) {
          for (std::size_t oc = 0; oc < P::out_c; oc += rows) pixels<In, Store>(in, ky0, ky1, kx0, n, oc, out);
        } else {
          for (std::size_t oc = 0; oc < P::out_c; ++oc) Store::put(&out[oc], pixel<In>(in, ky0, ky1, kx0, n, oc));
        }
      }
    }
  }

 private:
  // Output channels per dot_rows_s8 call where the input offset is free (Cortex-M4): each input
  // word is loaded and widened once for `rows` weight rows.
  static constexpr std::size_t rows = P::out_c % 4 == 0 ? 4 : P::out_c % 2 == 0 ? 2 : 1;

  template <dims In, class Store>
  static constexpr void pixels(const std::int8_t* in, std::size_t ky0, std::size_t ky1, std::size_t kx0, std::size_t n,
                               std::size_t oc, std::int8_t* out) noexcept {
    using platform::flash_read;
    std::int32_t acc[rows] = {};
    std::size_t wi = ((oc * P::kh + ky0) * P::kw + kx0) * P::in_c, xi = 0;
    for (std::size_t ky = ky0; n > 0 && ky < ky1; ++ky, wi += P::kw * P::in_c, xi += In.w * In.c)
      platform::dot_rows_s8<rows, P::kh * P::kw * P::in_c>(&P::weight[wi], in + xi, n, P::input_offset, acc);
    for (std::size_t r = 0; r < rows; ++r)
      Store::put(&out[oc + r], requantize_s8(acc[r] + flash_read(&P::bias[oc + r]), flash_read(&P::multiplier[oc + r]),
                                             flash_read(&P::shift[oc + r]), P::output_zero, P::act_min, P::act_max));
  }

  static constexpr std::size_t chunk = P::kw * P::in_c < 256 ? P::kw * P::in_c : 255;

  template <dims In>
  static constexpr std::int8_t pixel(const std::int8_t* in, std::size_t ky0, std::size_t ky1, std::size_t kx0,
                                     std::size_t n, std::size_t oc) noexcept {
    using platform::flash_read;
    std::int32_t acc = 0, wsum = 0;
    // Offsets, not pointers, step between rows: a pointer may not step past its array's end.
    std::size_t wi = ((oc * P::kh + ky0) * P::kw + kx0) * P::in_c, xi = 0;
    for (std::size_t ky = ky0; n > 0 && ky < ky1; ++ky, wi += P::kw * P::in_c, xi += In.w * In.c) {
      // A kernel row of 256 or more values (VWW's 1x1x256) in pieces below 256: AVR's dot keeps the
      // weight sum in 16 bits (|sum| <= 128 n). Shorter rows, one dot as before.
      for (std::size_t i = 0; i < n; i += chunk) {
        const auto r = platform::dot_s8<true>(&P::weight[wi + i], in + xi + i, n - i < chunk ? n - i : chunk);
        acc += r.acc;
        wsum += r.wsum;
      }
    }
    acc += flash_read(&P::bias[oc]) + P::input_offset * wsum;
    return requantize_s8(acc, flash_read(&P::multiplier[oc]), flash_read(&P::shift[oc]), P::output_zero, P::act_min,
                         P::act_max);
  }
};

}  // namespace ctml::nn
