// Pooling on int8 activations, which keeps the input's scale and zero point (TFLite MAX_POOL_2D,
// AVERAGE_POOL_2D, and MEAN over height and width for global average pooling). Padded taps are
// not counted; the average rounds half away from zero, as TFLite's reference kernel does.
//
// P (generated): kh, kw, stride_h, stride_w, pad_top, pad_bottom, pad_left, pad_right, act_min,
// act_max. global_avg_pool needs only act_min, act_max.
#pragma once
#include <cstddef>
#include <cstdint>

#include "shape.hpp"

namespace ctml::nn {

namespace detail {
template <class P, bool Max>
struct pool2d {
  using value_type = std::int8_t;
  static constexpr int extra_input = -1;
  static constexpr std::size_t flash_bytes = 0;
  static constexpr dims out_dims(dims in) noexcept {
    return dims{window_out(in.h, P::pad_top, P::pad_bottom, P::kh, P::stride_h),
                window_out(in.w, P::pad_left, P::pad_right, P::kw, P::stride_w), in.c};
  }
  static constexpr bool accepts(dims in) noexcept { return out_dims(in).size() > 0; }

  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* x, const std::int8_t*, std::int8_t* y) noexcept {
    for (std::size_t oy = 0; oy < Out.h; ++oy)
      for (std::size_t ox = 0; ox < Out.w; ++ox)
        for (std::size_t c = 0; c < In.c; ++c) {
          std::int32_t acc = Max ? -128 : 0, count = 0;
          for (std::size_t ky = 0; ky < P::kh; ++ky) {
            const std::size_t iy = oy * P::stride_h + ky;
            if (iy < P::pad_top || iy - P::pad_top >= In.h) continue;
            for (std::size_t kx = 0; kx < P::kw; ++kx) {
              const std::size_t ix = ox * P::stride_w + kx;
              if (ix < P::pad_left || ix - P::pad_left >= In.w) continue;
              const std::int32_t v = x[((iy - P::pad_top) * In.w + (ix - P::pad_left)) * In.c + c];
              if constexpr (Max) acc = v > acc ? v : acc;
              else acc += v;
              ++count;
            }
          }
          if constexpr (!Max) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
          y[(oy * Out.w + ox) * In.c + c] =
              static_cast<std::int8_t>(acc < P::act_min ? P::act_min : (acc > P::act_max ? P::act_max : acc));
        }
  }
};

template <class P, std::size_t H, std::size_t W>
struct whole_window : P {
  static constexpr std::size_t kh = H, kw = W, stride_h = 1, stride_w = 1, pad_top = 0, pad_bottom = 0, pad_left = 0,
                               pad_right = 0;
};
}  // namespace detail

template <class P>
struct max_pool2d : detail::pool2d<P, true> {};

template <class P>
struct avg_pool2d : detail::pool2d<P, false> {};

// The mean over height and width: one value per channel.
template <class P>
struct global_avg_pool {
  using value_type = std::int8_t;
  static constexpr int extra_input = -1;
  static constexpr std::size_t flash_bytes = 0;
  static constexpr dims out_dims(dims in) noexcept { return vec(in.c); }
  static constexpr bool accepts(dims in) noexcept { return in.size() > 0; }
  template <dims In, dims Out>
  static constexpr void run(const std::int8_t* x, const std::int8_t* other, std::int8_t* y) noexcept {
    detail::pool2d<detail::whole_window<P, In.h, In.w>, false>::template run<In, dims{1, 1, In.c}>(x, other, y);
  }
};

}  // namespace ctml::nn
