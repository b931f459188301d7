// 2-D convolution, int8 (TFLite CONV_2D), HWC activations, weights [out_c][kh][kw][in_c] in flash,
// per-output-channel symmetric. Padding is explicit (codegen turns "same"/"valid"/PyTorch padding
// into pad_top/bottom/left/right); padded taps hold the input zero point, i.e. a real 0, so they
// add nothing: the kernel skips them and subtracts zp_in * (sum of the weights it used). Where
// platform::offset_in_dot (Cortex-M4), the offset is added to each input inside the dot for free
// (SXTAB16), and with an even out_c the layer is a matrix multiply in 2 x 2 blocks
// (detail::conv_matmul: ResNet-8 30.1 M -> 22.5 M instructions, DS-CNN's pointwise convs 1.48 M ->
// 0.98 M each; docs/cortex-m.md).
//
// P (generated): in_c, out_c, kh, kw, stride_h, stride_w, pad_top, pad_bottom, pad_left, pad_right,
// input_offset (= -zp_in), weight, bias[out_c], multiplier[out_c], shift[out_c], output_zero,
// act_min, act_max.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../platform/dot.hpp"
#include "../platform/flash.hpp"
#include "../platform/multiply.hpp"
#include "requantize.hpp"
#include "shape.hpp"

namespace ctml::nn {

namespace detail {
// A convolution's geometry: conv_matmul's template argument, so layers of one shape share its code
// (DS-CNN's four pointwise convs: one function instead of four, -3.2 KB).
struct conv_shape {
  std::size_t in_c, out_c, kh, kw, stride_h, stride_w, pad_top, pad_bottom, pad_left, pad_right;
  constexpr std::size_t taps() const noexcept { return kh * kw * in_c; }
  constexpr bool pointwise() const noexcept {
    return kh == 1 && kw == 1 && stride_h == 1 && stride_w == 1 && pad_top == 0 && pad_bottom == 0 && pad_left == 0 &&
           pad_right == 0;
  }
};
// A layer's constants, read at run time by conv_matmul (they live in flash beside the weights).
struct conv_quant {
  const std::int8_t* weight;
  const std::int32_t* bias;
  const std::int32_t* multiplier;
  const std::int8_t* shift;
  std::int32_t input_offset, output_zero, act_min, act_max;
};

// Pixel q's window (HWC order, as a weight row [ky][kx][ic]) into col; padded taps get the input
// zero point, so x + offset = 0 there.
template <conv_shape S, dims In, dims Out>
constexpr void gather(const std::int8_t* x, std::size_t q, std::int8_t zero, std::int8_t* col) noexcept {
  const std::size_t oy = q / Out.w, ox = q % Out.w;
  constexpr std::size_t row = S.kw * S.in_c;
  const std::size_t x0 = ox * S.stride_w;
  const bool cols_in = x0 >= S.pad_left && x0 + S.kw <= S.pad_left + In.w;  // no tap of a row in the padding
  for (std::size_t ky = 0; ky < S.kh; ++ky, col += row) {
    const std::size_t iy = oy * S.stride_h + ky;  // (padded coordinates)
    const bool row_in = iy >= S.pad_top && iy - S.pad_top < In.h;
    if (row_in && cols_in) {  // a kernel row is contiguous in the HWC input: word copies where it can
      const std::int8_t* src = &x[((iy - S.pad_top) * In.w + (x0 - S.pad_left)) * In.c];
      if (!std::is_constant_evaluated() && row % 4 == 0) {
        for (std::size_t i = 0; i < row; i += 4) __builtin_memcpy(col + i, src + i, 4);
      } else {
        for (std::size_t i = 0; i < row; ++i) col[i] = src[i];
      }
      continue;
    }
    for (std::size_t kx = 0; kx < S.kw; ++kx) {
      const std::size_t ix = x0 + kx;
      const bool in = row_in && ix >= S.pad_left && ix - S.pad_left < In.w;
      std::int8_t* dst = col + kx * S.in_c;
      if (in) {
        const std::int8_t* src = &x[((iy - S.pad_top) * In.w + (ix - S.pad_left)) * In.c];
        if (!std::is_constant_evaluated() && S.in_c % 4 == 0) {
          for (std::size_t c = 0; c < S.in_c; c += 4) __builtin_memcpy(dst + c, src + c, 4);
        } else {
          for (std::size_t c = 0; c < S.in_c; ++c) dst[c] = src[c];
        }
      } else {
        for (std::size_t c = 0; c < S.in_c; ++c) dst[c] = zero;
      }
    }
  }
}

// The convolution as a matrix multiply: two output channels by two pixels per platform::dot_2x2_s8
// block (CMSIS-NN's arm_nn_mat_mult_nt_t_s8 blocks the same way), requantized in the same loop with
// each channel's bias, multiplier and shift loaded once for both pixels. A 1 x 1 convolution with
// stride 1 and no padding reads its input pixels in place (as CMSIS-NN's arm_convolve_1x1_s8_fast);
// any other gathers two pixels' windows into columns on the stack (conv2d::scratch_bytes, counted in
// the network's ram_bytes). Out of line, one function per shape and Store.
template <conv_shape S, dims In, dims Out, class Store>
[[gnu::noinline]] constexpr void conv_matmul(const conv_quant& q, const std::int8_t* x, std::int8_t* y) noexcept {
  using platform::flash_read;
  constexpr std::size_t npix = Out.h * Out.w, taps = S.taps();
  constexpr bool pointwise = S.pointwise();
  constexpr std::size_t xstride = pointwise ? In.c : taps;  // from one pixel's column to the next
  std::int8_t col[pointwise ? 1 : 2 * taps];
  // The layer's constants in locals: the int8 stores may alias anything, so fields of q would be
  // reloaded after each.
  const std::int8_t* const weight = q.weight;
  const std::int32_t *const bias = q.bias, *const mult = q.multiplier;
  const std::int8_t* const shift = q.shift;
  const std::int32_t offset = q.input_offset, zero = q.output_zero, lo = q.act_min, hi = q.act_max;
  for (std::size_t p = 0; p < npix; p += 2) {
    // Pixels q0, q1; an odd last pixel pairs with the one before it (a single pixel with itself),
    // and only p's outputs are stored.
    const std::size_t q0 = p + 1 < npix ? p : (npix >= 2 ? npix - 2 : 0), q1 = q0 + 1 < npix ? q0 + 1 : q0;
    const bool both = q0 == p && q1 != q0;
    const std::int8_t* a = x + q0 * In.c;
    if constexpr (!pointwise) {
      const auto pad = static_cast<std::int8_t>(-offset);
      gather<S, In, Out>(x, q0, pad, col);
      gather<S, In, Out>(x, q1, pad, col + taps);
      a = col;
    }
    std::int8_t* const out0 = &y[q0 * S.out_c];
    std::int8_t* const out1 = &y[q1 * S.out_c];
    for (std::size_t oc = 0; oc < S.out_c; oc += 2) {
      const auto acc = platform::dot_2x2_s8<taps, taps, xstride>(&weight[oc * taps], a, offset);
      const std::int32_t b0 = flash_read(&bias[oc]), m0 = flash_read(&mult[oc]);
      const int e0 = flash_read(&shift[oc]);
      if (both) Store::put(&out0[oc], requantize_s8_inline(acc.a00 + b0, m0, e0, zero, lo, hi));
      Store::put(&out1[oc], requantize_s8_inline(acc.a01 + b0, m0, e0, zero, lo, hi));
      const std::int32_t b1 = flash_read(&bias[oc + 1]), m1 = flash_read(&mult[oc + 1]);
      const int e1 = flash_read(&shift[oc + 1]);
      if (both) Store::put(&out0[oc + 1], requantize_s8_inline(acc.a10 + b1, m1, e1, zero, lo, hi));
      Store::put(&out1[oc + 1], requantize_s8_inline(acc.a11 + b1, m1, e1, zero, lo, hi));
    }
  }
}
}  // namespace detail

template <class P>
struct conv2d {
  using value_type = std::int8_t;
  static constexpr int extra_input = -1;
  static constexpr dims out_dims(dims in) noexcept {
    return dims{window_out(in.h, P::pad_top, P::pad_bottom, P::kh, P::stride_h),
                window_out(in.w, P::pad_left, P::pad_right, P::kw, P::stride_w), P::out_c};
  }
  static constexpr bool accepts(dims in) noexcept { return in.c == P::in_c && out_dims(in).size() > 0; }
  // + the requantize parameters (detail::conv_quant) the kernels may keep as a constant off AVR.
  static constexpr std::size_t flash_bytes = sizeof(P::weight) + sizeof(P::bias) + sizeof(P::multiplier) +
                                             sizeof(P::shift) + (platform::is_avr ? 0 : sizeof(detail::conv_quant));
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
    if constexpr (matmul<In, Out>) {
      run_matmul<In, Out, Store>(x, y);
      return;
    }
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

  // Cortex-M4, an even out_c: the convolution as a matrix multiply (detail::conv_matmul below).
  static constexpr detail::conv_shape shape{P::in_c, P::out_c, P::kh, P::kw, P::stride_h, P::stride_w,
                                            P::pad_top, P::pad_bottom, P::pad_left, P::pad_right};
  static constexpr std::size_t scratch_bytes =
      platform::offset_in_dot && P::out_c % 2 == 0 && !shape.pointwise() ? 2 * shape.taps() : 0;

 private:
  template <dims In, dims Out>
  static constexpr bool matmul = platform::offset_in_dot && P::out_c % 2 == 0 && (!shape.pointwise() || Out.h * Out.w >= 2);
  static constexpr detail::conv_quant quant{P::weight, P::bias, P::multiplier, P::shift,
                                            P::input_offset, P::output_zero, P::act_min, P::act_max};
  template <dims In, dims Out, class Store>
  [[gnu::always_inline]] static constexpr void run_matmul(const std::int8_t* x, std::int8_t* y) noexcept {
    detail::conv_matmul<shape, In, Out, Store>(quant, x, y);
  }

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
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__) && !defined(__AVR_HAVE_ELPM__)
    // AVR: the whole window in one asm loop (platform/dot_avr.hpp); with input offset 128 no weight
    // sum at all, else the offset term by the hardware 16 x 16 multiply (|offset| <= 255,
    // |wsum| <= 128 * 255) instead of __mulsi3. digits_cnn 965 k -> 661 k cycles.
    if constexpr (P::kh * P::kw * P::in_c <= 255 && In.w * In.c < 65536) {
      if (!std::is_constant_evaluated()) {
        std::int32_t acc = 0;
        std::int16_t wsum = 0;
        if (n > 0 && ky1 > ky0) {
          const std::size_t wi = ((oc * P::kh + ky0) * P::kw + kx0) * P::in_c;
          if constexpr (P::input_offset == 128)
            acc = platform::avr::window_s8_offset128(&P::weight[wi], in, static_cast<std::uint8_t>(ky1 - ky0),
                                                     static_cast<std::uint8_t>(n), static_cast<std::uint16_t>(P::kw * P::in_c - n),
                                                     static_cast<std::uint16_t>(In.w * In.c - n));
          else
            acc = platform::avr::window_s8(&P::weight[wi], in, static_cast<std::uint8_t>(ky1 - ky0),
                                           static_cast<std::uint8_t>(n), static_cast<std::uint16_t>(P::kw * P::in_c - n),
                                           static_cast<std::uint16_t>(In.w * In.c - n), wsum);
        }
        acc += flash_read(&P::bias[oc]);
        if constexpr (P::input_offset != 128) acc += platform::mul_s16_s32(static_cast<std::int16_t>(P::input_offset), wsum);
        return requantize_s8(acc, flash_read(&P::multiplier[oc]), flash_read(&P::shift[oc]), P::output_zero,
                             P::act_min, P::act_max);
      }
    }
#endif
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
