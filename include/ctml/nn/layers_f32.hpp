// The float path (host, Cortex-M4F/M7): the same layers as the int8 ones, on float tensors, with
// the float weights of the trained model. No quantization, so it reproduces the framework up to
// float32 rounding; it is also the reference the int8 path is compared with.
//
// Parameter structs as for the int8 layers, with float weight/bias and act_min/act_max (the fused
// ReLU/ReLU6 clamp; +-infinity for none) and no multiplier/shift/zero points.
#pragma once
#include <cstddef>

#include "../core/math.hpp"
#include "../platform/flash.hpp"
#include "shape.hpp"

namespace ctml::nn {

namespace detail {
constexpr float clamp_f32(float v, float lo, float hi) noexcept { return v < lo ? lo : (v > hi ? hi : v); }

// Finite activations for finite inputs: a float sum of products of finite values can leave float's
// range or meet inf - inf (NaN). Such a sum is recomputed by `wide` in double and saturated at
// +-FLT_MAX, so every layer hands finite values on (a NaN input still gives NaN). On targets whose
// double is 32 bits (AVR) the recomputation is float again (docs/robustness.md).
template <class Wide>
constexpr float finite_sum(float acc, Wide&& wide) noexcept {
  if constexpr (sizeof(double) < 8) return acc;  // nothing wider to recompute in
  else return math::finite(acc) ? acc : math::saturate_to_float(wide());
}

// Sliding-window driver shared by convolution and pooling: calls tap(in_index, ky, kx) for each
// tap inside the input.
template <class P, dims In, class Tap>
constexpr void for_taps(std::size_t oy, std::size_t ox, Tap&& tap) noexcept {
  for (std::size_t ky = 0; ky < P::kh; ++ky) {
    const std::size_t iy = oy * P::stride_h + ky;
    if (iy < P::pad_top || iy - P::pad_top >= In.h) continue;
    for (std::size_t kx = 0; kx < P::kw; ++kx) {
      const std::size_t ix = ox * P::stride_w + kx;
      if (ix < P::pad_left || ix - P::pad_left >= In.w) continue;
      tap(((iy - P::pad_top) * In.w + (ix - P::pad_left)) * In.c, ky, kx);
    }
  }
}

template <class P>
constexpr dims window_dims(dims in, std::size_t c) noexcept {
  return dims{window_out(in.h, P::pad_top, P::pad_bottom, P::kh, P::stride_h),
              window_out(in.w, P::pad_left, P::pad_right, P::kw, P::stride_w), c};
}
}  // namespace detail

template <class P>
struct dense_f32 {
  using value_type = float;
  static constexpr int extra_input = -1;
  static constexpr bool accepts(dims in) noexcept { return in.size() == P::inputs; }
  static constexpr dims out_dims(dims) noexcept { return vec(P::units); }
  static constexpr std::size_t flash_bytes = sizeof(P::weight) + sizeof(P::bias);
  template <dims In, dims Out>
  static constexpr void run(const float* x, const float*, float* y) noexcept {
    for (std::size_t o = 0; o < P::units; ++o) {
      float acc = platform::flash_read(&P::bias[o]);
      for (std::size_t i = 0; i < P::inputs; ++i) acc += platform::flash_read(&P::weight[o * P::inputs + i]) * x[i];
      acc = detail::finite_sum(acc, [&] {
        double a = platform::flash_read(&P::bias[o]);
        for (std::size_t i = 0; i < P::inputs; ++i)
          a += static_cast<double>(platform::flash_read(&P::weight[o * P::inputs + i])) * static_cast<double>(x[i]);
        return a;
      });
      y[o] = detail::clamp_f32(acc, P::act_min, P::act_max);
    }
  }
};

template <class P>
struct conv2d_f32 {
  using value_type = float;
  static constexpr int extra_input = -1;
  static constexpr dims out_dims(dims in) noexcept { return detail::window_dims<P>(in, P::out_c); }
  static constexpr bool accepts(dims in) noexcept { return in.c == P::in_c && out_dims(in).size() > 0; }
  static constexpr std::size_t flash_bytes = sizeof(P::weight) + sizeof(P::bias);
  template <dims In, dims Out>
  static constexpr void run(const float* x, const float*, float* y) noexcept {
    for (std::size_t oy = 0; oy < Out.h; ++oy)
      for (std::size_t ox = 0; ox < Out.w; ++ox)
        for (std::size_t oc = 0; oc < P::out_c; ++oc) {
          float acc = platform::flash_read(&P::bias[oc]);
          detail::for_taps<P, In>(oy, ox, [&](std::size_t at, std::size_t ky, std::size_t kx) {
            const float* w = &P::weight[((oc * P::kh + ky) * P::kw + kx) * P::in_c];
            for (std::size_t ic = 0; ic < P::in_c; ++ic) acc += platform::flash_read(&w[ic]) * x[at + ic];
          });
          acc = detail::finite_sum(acc, [&] {
            double a = platform::flash_read(&P::bias[oc]);
            detail::for_taps<P, In>(oy, ox, [&](std::size_t at, std::size_t ky, std::size_t kx) {
              const float* w = &P::weight[((oc * P::kh + ky) * P::kw + kx) * P::in_c];
              for (std::size_t ic = 0; ic < P::in_c; ++ic)
                a += static_cast<double>(platform::flash_read(&w[ic])) * static_cast<double>(x[at + ic]);
            });
            return a;
          });
          y[(oy * Out.w + ox) * Out.c + oc] = detail::clamp_f32(acc, P::act_min, P::act_max);
        }
  }
};

template <class P>
struct depthwise_conv2d_f32 {
  using value_type = float;
  static constexpr int extra_input = -1;
  static constexpr std::size_t out_c = P::in_c * P::multiplier_per_channel;
  static constexpr dims out_dims(dims in) noexcept { return detail::window_dims<P>(in, out_c); }
  static constexpr bool accepts(dims in) noexcept { return in.c == P::in_c && out_dims(in).size() > 0; }
  static constexpr std::size_t flash_bytes = sizeof(P::weight) + sizeof(P::bias);
  template <dims In, dims Out>
  static constexpr void run(const float* x, const float*, float* y) noexcept {
    for (std::size_t oy = 0; oy < Out.h; ++oy)
      for (std::size_t ox = 0; ox < Out.w; ++ox)
        for (std::size_t oc = 0; oc < out_c; ++oc) {
          float acc = platform::flash_read(&P::bias[oc]);
          detail::for_taps<P, In>(oy, ox, [&](std::size_t at, std::size_t ky, std::size_t kx) {
            acc += platform::flash_read(&P::weight[(ky * P::kw + kx) * out_c + oc]) * x[at + oc / P::multiplier_per_channel];
          });
          acc = detail::finite_sum(acc, [&] {
            double a = platform::flash_read(&P::bias[oc]);
            detail::for_taps<P, In>(oy, ox, [&](std::size_t at, std::size_t ky, std::size_t kx) {
              a += static_cast<double>(platform::flash_read(&P::weight[(ky * P::kw + kx) * out_c + oc])) *
                   static_cast<double>(x[at + oc / P::multiplier_per_channel]);
            });
            return a;
          });
          y[(oy * Out.w + ox) * out_c + oc] = detail::clamp_f32(acc, P::act_min, P::act_max);
        }
  }
};

// Max or average over the window's taps inside the input (padding not counted).
template <class P, bool Max>
struct pool2d_f32 {
  using value_type = float;
  static constexpr int extra_input = -1;
  static constexpr std::size_t flash_bytes = 0;
  static constexpr dims out_dims(dims in) noexcept { return detail::window_dims<P>(in, in.c); }
  static constexpr bool accepts(dims in) noexcept { return out_dims(in).size() > 0; }
  template <dims In, dims Out>
  static constexpr void run(const float* x, const float*, float* y) noexcept {
    for (std::size_t oy = 0; oy < Out.h; ++oy)
      for (std::size_t ox = 0; ox < Out.w; ++ox)
        for (std::size_t c = 0; c < In.c; ++c) {
          float acc = 0.f;
          std::size_t count = 0;
          detail::for_taps<P, In>(oy, ox, [&](std::size_t at, std::size_t, std::size_t) {
            const float v = x[at + c];
            acc = !Max ? acc + v : (count == 0 || v > acc ? v : acc);
            ++count;
          });
          if constexpr (!Max) {
            acc = math::finite(acc) ? acc / static_cast<float>(count) : math::saturate_to_float([&] {
              double a = 0;
              detail::for_taps<P, In>(oy, ox, [&](std::size_t at, std::size_t, std::size_t) { a += x[at + c]; });
              return a / static_cast<double>(count);
            }());
          }
          y[(oy * Out.w + ox) * In.c + c] = acc;
        }
  }
};

template <class P>
struct max_pool2d_f32 : pool2d_f32<P, true> {};
template <class P>
struct avg_pool2d_f32 : pool2d_f32<P, false> {};

template <class P>
struct global_avg_pool_f32 {
  using value_type = float;
  static constexpr int extra_input = -1;
  static constexpr std::size_t flash_bytes = 0;
  static constexpr dims out_dims(dims in) noexcept { return vec(in.c); }
  static constexpr bool accepts(dims in) noexcept { return in.size() > 0; }
  template <dims In, dims Out>
  static constexpr void run(const float* x, const float*, float* y) noexcept {
    for (std::size_t c = 0; c < In.c; ++c) {
      float acc = 0.f;
      for (std::size_t i = 0; i < In.h * In.w; ++i) acc += x[i * In.c + c];
      y[c] = math::finite(acc) ? acc / static_cast<float>(In.h * In.w) : math::saturate_to_float([&] {
        double a = 0;
        for (std::size_t i = 0; i < In.h * In.w; ++i) a += x[i * In.c + c];
        return a / static_cast<double>(In.h * In.w);
      }());
    }
  }
};

template <class P>
struct add_f32 {
  using value_type = float;
  static constexpr int extra_input = P::other;
  static constexpr std::size_t flash_bytes = 0;
  static constexpr dims out_dims(dims in) noexcept { return in; }
  static constexpr bool accepts(dims in, dims other) noexcept { return in == other; }
  template <dims In, dims Out>
  static constexpr void run(const float* a, const float* b, float* y) noexcept {
    for (std::size_t i = 0; i < In.size(); ++i)
      y[i] = detail::clamp_f32(detail::finite_sum(a[i] + b[i], [&] { return static_cast<double>(a[i]) + b[i]; }), P::act_min, P::act_max);
  }
};

// Sigmoid and tanh, element-wise (ctml::math: no libm on AVR, constexpr everywhere).
template <class P, bool Tanh>
struct squash_f32 {
  using value_type = float;
  static constexpr int extra_input = -1;
  static constexpr std::size_t flash_bytes = 0;
  static constexpr dims out_dims(dims in) noexcept { return in; }
  static constexpr bool accepts(dims in) noexcept { return in.size() > 0; }
  template <dims In, dims Out>
  static constexpr void run(const float* x, const float*, float* y) noexcept {
    for (std::size_t i = 0; i < In.size(); ++i)
      y[i] = Tanh ? 2.f * math::sigmoid(2.f * x[i]) - 1.f : math::sigmoid(x[i]);
  }
};
// Softmax over the channels, shifted by the largest value (exp of values <= 0 only). A final one
// gives the network's probabilities() (network.hpp).
template <class P>
struct softmax_f32 {
  using value_type = float;
  static constexpr int extra_input = -1;
  static constexpr bool is_softmax = true;
  static constexpr std::size_t flash_bytes = 0;
  static constexpr dims out_dims(dims in) noexcept { return in; }
  static constexpr bool accepts(dims in) noexcept { return in.c >= 1; }
  template <dims In, dims Out>
  static constexpr void run(const float* x, const float*, float* y) noexcept {
    for (std::size_t p = 0; p < In.h * In.w; ++p) {
      const float* r = x + p * In.c;
      float top = r[0], sum = 0.f;
      for (std::size_t k = 1; k < In.c; ++k) top = r[k] > top ? r[k] : top;
      for (std::size_t k = 0; k < In.c; ++k) sum += (y[p * In.c + k] = math::exp(r[k] - top));
      for (std::size_t k = 0; k < In.c; ++k) y[p * In.c + k] /= sum;
    }
  }
};

template <class P>
struct sigmoid_f32 : squash_f32<P, false> {};
template <class P>
struct tanh_f32 : squash_f32<P, true> {};

}  // namespace ctml::nn
