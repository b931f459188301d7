// A neural network as a type: network<input dims, layers...>. Every activation shape is inferred
// at compile time from the input shape and the layers (a mismatch is a static_assert), and the
// activation arena is planned at compile time by liveness (first fit), so ram_bytes is exact.
//
// The layer list is a plain parameter pack, walked with fold expressions and an index sequence:
// it needs no heterogeneous values, so Boost.Hana's tuple/fold would add compile time and headers
// (AVR has only header-only libstdc++) for nothing here.
//
// A layer L provides: extra_input (-1, or the index of an earlier tensor it also reads: 0 is the
// network input, t the output of layer t - 1), accepts(in[, other]), out_dims(in), flash_bytes,
// and run<In, Out>(x, other, y). Adding a layer kind needs nothing in this file. A layer may also
// declare in_place = true: its output is written over tensor extra_input (add_in_place), which the
// planner then gives one buffer with it. A last layer that declares is_softmax (softmax.hpp) gives
// probabilities(); logits() and predict() stop before it.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../core/argmax.hpp"
#include "../core/input.hpp"
#include "../platform/code_size.hpp"
#include "../platform/target.hpp"
#include "shape.hpp"

#if defined(CTML_LAYER_MARKS)
// A per-layer profile (bench/harness.py's layer tables): the profiling firmware defines this empty
// function and the qemu counting plugin notes the count at each call, one after each layer.
extern "C" void ctml_layer_mark(void);
#endif

namespace ctml::nn {

// The stack one inference takes beyond the activation arena: the kernels' saved registers,
// locals and the 64-bit requantization. Measured by the target harness (region stack - arena):
// up to 104 B on AVR (clang-16 -Os), 256 B on a Cortex-M4 (arm-none-eabi-gcc -Os; ResNet-8, whose
// add_in_place conv_matmul frame is the deepest; DS-CNN 192 B, the autoencoder 108 B; 172-176 B
// before the out-of-line matrix-multiply kernels), as on the M7 and M33, + 16 B of margin; 170 B on
// the M0 (digits_residual); 184 B on RISC-V rv32imc (ResNet-8); the M55's Helium accumulators spill
// (208 B with the earlier kernels), so it gets 16 B more. A layer's scratch_bytes (im2col columns)
// come on top.
// With the M4's matrix-multiply kernels merged, measured again: 194 B on the M0 (digits_cnn: 1,100 B
// of stack for an 880 B arena + output), 304 B on RISC-V (ResNet-8: 34,268 B for 33,964 B).
// -O2 and -O3 (presets avr-O2/-O3, cortex-m-O2/-O3): DS-CNN took 20 B more at -O2 on the M4 than at
// -Os (the issue measured 36 B at -O3), so every Cortex-M figure has 48 B on top (AVR stayed inside).
inline constexpr std::size_t call_frame_bytes =
    platform::is_avr ? 160
    : platform::is_armv6m ? 304 + 48
    : platform::is_cortex_m ? (platform::has_mve ? 288 : 272) + 48
    : platform::is_riscv ? 336 : 512;

namespace detail {
template <class First, class...>
struct first : First {};
// The I-th type of a pack.
template <std::size_t I, class First, class... Rest>
struct nth {
  using type = typename nth<I - 1, Rest...>::type;
};
template <class First, class... Rest>
struct nth<0, First, Rest...> {
  using type = First;
};
}  // namespace detail

template <dims Input, class... Layers>
struct network {
  static constexpr std::size_t n_layers = sizeof...(Layers);
  static_assert(n_layers > 0, "ctml: a network needs at least one layer");
  static constexpr std::array<int, n_layers> extra = {Layers::extra_input...};

 private:
  template <class L>
  static constexpr bool in_place_layer() noexcept {
    if constexpr (requires { L::in_place; }) return L::in_place;
    else return false;
  }

 public:
  static constexpr std::array<bool, n_layers> in_place = {in_place_layer<Layers>()...};

 private:
  template <class L>
  static constexpr bool softmax_layer() noexcept {
    if constexpr (requires { L::is_softmax; }) return L::is_softmax;
    else return false;
  }
  static constexpr std::array<bool, n_layers> softmax_at = {softmax_layer<Layers>()...};

 public:
  // A final softmax: probabilities() runs it; logits() and predict() run the layers before it.
  static constexpr bool has_softmax = softmax_at[n_layers - 1];
  static constexpr std::size_t n_logit_layers = n_layers - (has_softmax ? 1 : 0);
  static_assert(n_logit_layers > 0, "ctml: a network of a softmax alone has no logits; put a layer before it");
  // The element type of every tensor: std::int8_t (quantized) or float (the float path).
  using value_type = typename detail::first<Layers...>::value_type;
  static_assert((std::is_same_v<typename Layers::value_type, value_type> && ...),
                "ctml: all layers of a network must use one element type (all int8 or all float)");

  // shapes[t]: tensor t (0 = input, t = output of layer t - 1).
  static constexpr std::array<dims, n_layers + 1> shapes = [] {
    std::array<dims, n_layers + 1> s{};
    s[0] = Input;
    std::size_t i = 0;
    ((s[i + 1] = Layers::out_dims(s[i]), ++i), ...);
    return s;
  }();

 private:
  template <class L>
  static constexpr bool accepts(std::size_t i) noexcept {
    if constexpr (L::extra_input < 0) return L::accepts(shapes[i]);
    else return L::extra_input <= static_cast<int>(i) && L::accepts(shapes[i], shapes[static_cast<std::size_t>(L::extra_input)]);
  }
  static constexpr std::array<bool, n_layers> layer_ok = [] {
    std::array<bool, n_layers> ok{};
    std::size_t i = 0;
    ((ok[i] = accepts<Layers>(i), ++i), ...);
    return ok;
  }();
  template <std::size_t I>
  struct check_layer {
    static_assert(layer_ok[I],
                  "ctml: layer input shape mismatch: this layer cannot take the previous layer's output (the index is "
                  "check_layer<I>); regenerate the model or fix the layer list");
    static constexpr bool value = true;
  };
  template <std::size_t... I>
  static constexpr bool check_all(std::index_sequence<I...>) noexcept { return (check_layer<I>::value && ...); }
  static_assert(check_all(std::make_index_sequence<n_layers>{}));

  // last_use[t]: the last layer reading tensor t (n_layers for the output).
  static constexpr std::array<std::size_t, n_layers + 1> last_use = [] {
    std::array<std::size_t, n_layers + 1> last{};
    for (std::size_t i = 0; i < n_layers; ++i) {
      last[i] = i > last[i] ? i : last[i];
      if (extra[i] >= 0) {
        const auto t = static_cast<std::size_t>(extra[i]);
        last[t] = i > last[t] ? i : last[t];
      }
    }
    last[n_layers] = n_layers;  // the output is read after the last layer
    return last;
  }();
  // An in-place layer i overwrites tensor extra[i]: safe only if that is an arena tensor other than
  // its own input, read by no later layer.
  static constexpr bool in_place_ok = [] {
    for (std::size_t i = 0; i < n_layers; ++i)
      if (in_place[i] && (extra[i] <= 0 || static_cast<std::size_t>(extra[i]) == i ||
                          last_use[static_cast<std::size_t>(extra[i])] != i))
        return false;
    return true;
  }();
  static_assert(in_place_ok,
                "ctml: an in-place layer (add_in_place) must write over an arena tensor that is not its own input "
                "and that no later layer reads; regenerate the model (codegen fuses only such adds)");

  struct plan_t {
    std::array<std::size_t, n_layers + 1> offset{};
    std::size_t bytes = 0;
  };
  // Greedy by size (TFLite Micro's GreedyMemoryPlanner): tensor t is written by layer t - 1 and
  // read up to last_use[t]; the largest tensors are placed first, each at the lowest offset that
  // overlaps no placed tensor alive at the same time. For a chain this reaches the largest
  // input + output pair, which first fit in layer order can miss (an autoencoder's 8-unit waist
  // pushed its 640-byte output up by 128 bytes).
  // An in-place layer's output shares its shortcut's buffer: root[t] is the tensor whose buffer t
  // uses, and a root lives until the last use of every tensor sharing it.
  static constexpr plan_t make_plan() noexcept {
    std::array<std::size_t, n_layers + 1> root{}, last = last_use;
    for (std::size_t t = 1; t <= n_layers; ++t) {
      root[t] = in_place[t - 1] ? root[static_cast<std::size_t>(extra[t - 1])] : t;
      last[root[t]] = last[t] > last[root[t]] ? last[t] : last[root[t]];
    }
    std::array<std::size_t, n_layers> order{};  // tensors 1..n, largest first (stable)
    for (std::size_t k = 0; k < n_layers; ++k) {
      std::size_t j = k;
      for (; j > 0 && shapes[order[j - 1]].size() < shapes[k + 1].size(); --j) order[j] = order[j - 1];
      order[j] = k + 1;
    }
    plan_t p{};
    std::array<bool, n_layers + 1> placed{};
    for (std::size_t k = 0; k < n_layers; ++k) {
      const std::size_t t = order[k], size = shapes[t].size();
      if (root[t] != t || t > n_logit_layers) continue;  // a final softmax writes outside the arena
      auto alive_with = [&](std::size_t u) { return placed[u] && u - 1 <= last[t] && t - 1 <= last[u]; };
      auto clashes = [&](std::size_t at) {
        for (std::size_t u = 1; u <= n_layers; ++u)
          if (alive_with(u) && at < p.offset[u] + shapes[u].size() && p.offset[u] < at + size) return true;
        return false;
      };
      std::size_t best = clashes(0) ? static_cast<std::size_t>(-1) : 0;
      for (std::size_t u = 1; u <= n_layers; ++u) {
        const std::size_t at = p.offset[u] + shapes[u].size();
        if (alive_with(u) && at < best && !clashes(at)) best = at;
      }
      p.offset[t] = best;
      placed[t] = true;
      p.bytes = best + size > p.bytes ? best + size : p.bytes;
    }
    for (std::size_t t = 1; t <= n_layers; ++t) p.offset[t] = p.offset[root[t]];
    return p;
  }

 public:
  static constexpr plan_t plan = make_plan();
  static constexpr dims input_dims = Input;
  static constexpr dims output_dims = shapes[n_layers];
  static constexpr std::size_t n_features = Input.size();
  static constexpr std::size_t n_outputs = output_dims.size();
  static constexpr std::size_t n_classes = n_outputs;
  static constexpr bool bit_exact = std::is_integral_v<value_type>;  // integers: the same answer on every target
  // Activations: exactly the planned arena (the tensors up to the logits). RAM: the arena, the
  // output copy logits() returns (an autoencoder's is 640 bytes), with a final softmax the copy
  // probabilities() returns, and one call frame of the kernels.
  static constexpr std::size_t arena_bytes = plan.bytes * sizeof(value_type);
  // With a layer's scratch (conv2d's im2col columns on Cortex-M4): the largest, as one layer runs at a time.
  static constexpr std::size_t scratch_bytes = [] {
    std::size_t m = 0;
    ((m = scratch_bytes_of<Layers>() > m ? scratch_bytes_of<Layers>() : m), ...);
    return m;
  }();
  static constexpr std::size_t ram_bytes =
      arena_bytes + (has_softmax ? 2 : 1) * output_dims.size() * sizeof(value_type) + call_frame_bytes + scratch_bytes;
  // The kernels' code (platform/code_size.hpp: per layer) plus the layers' constants.
  static constexpr std::size_t code_bytes = platform::code_bytes(
      std::is_integral_v<value_type> ? platform::costs.network : platform::costs.network_float, sizeof...(Layers));
  static constexpr std::size_t flash_bytes = code_bytes + (std::size_t{0} + ... + Layers::flash_bytes);  // code + constants

  using input_type = std::array<value_type, n_features>;
  using logits_type = std::array<value_type, n_outputs>;
  using output_type = ::ctml::class_index_t<n_outputs>;
  using proba_type = std::array<float, n_outputs>;

  // The output tensor before a final softmax (int8 codes of the logits or values, or floats).
  static constexpr logits_type logits(const input_type& x) noexcept {
    std::array<value_type, plan.bytes> arena;  // every byte is written before it is read
    infer(x.data(), arena.data(), std::make_index_sequence<n_logit_layers>{});
    logits_type y{};
    for (std::size_t k = 0; k < n_outputs; ++k) y[k] = arena[plan.offset[n_logit_layers] + k];
    return y;
  }

  // The class: the index of the largest logit, the first on ties (as numpy's argmax).
  static constexpr output_type predict(const input_type& x) noexcept {
    const logits_type y = logits(x);
    return ::ctml::detail::argmax_first<output_type, n_outputs>(y);
  }
  // Any other input (a C array, a std::vector, another array type): one readable static_assert.
  template <class A>
    requires(!std::is_same_v<std::remove_cvref_t<A>, input_type>)
  static constexpr output_type predict(const A&) noexcept {
    static_assert(::ctml::detail::check_any_input<A, input_type>());
    return output_type{};
  }
  template <class A>
    requires(!std::is_same_v<std::remove_cvref_t<A>, input_type>)
  static constexpr logits_type logits(const A&) noexcept {
    static_assert(::ctml::detail::check_any_input<A, input_type>());
    return logits_type{};
  }
  template <class A>
    requires(!std::is_same_v<std::remove_cvref_t<A>, input_type>)
  static constexpr logits_type probabilities(const A&) noexcept {
    static_assert(::ctml::detail::check_any_input<A, input_type>());
    return logits_type{};
  }
  template <class A>
    requires(!std::is_same_v<std::remove_cvref_t<A>, input_type>)
  static constexpr int predict_proba(const A&) noexcept {
    static_assert(::ctml::detail::check_any_input<A, input_type>());
    return 0;
  }

  // The final softmax's output: int8 codes of probabilities (scale 1/256, zero point -128), or floats.
  template <bool Softmax = has_softmax>
  static constexpr logits_type probabilities(const input_type& x) noexcept {
    static_assert(Softmax, "ctml: this network has no final softmax, so no probabilities; convert it with "
                           "softmax=True (codegen: --softmax)");
    // The softmax runs on the logits' copy, after the arena is gone: the layers before it keep a
    // single caller (logits), so the compiler treats predict's code as if there were no softmax.
    const logits_type z = logits(x);
    logits_type y{};
    detail::nth<n_layers - 1, Layers...>::type::template run<output_dims, output_dims>(z.data(), nullptr, y.data());
    return y;
  }

  // Class probabilities as floats: (code + 128) / 256 for int8 (sums to 1 within C / 512).
  template <bool Softmax = has_softmax>
  static constexpr proba_type predict_proba(const input_type& x) noexcept {
    static_assert(Softmax, "ctml: this network has no final softmax, so no predict_proba; convert it with "
                           "softmax=True (codegen: --softmax)");
    const logits_type q = probabilities(x);
    proba_type p{};
    for (std::size_t k = 0; k < n_outputs; ++k)
      p[k] = bit_exact ? static_cast<float>(static_cast<int>(q[k]) + 128) * (1.f / 256.f) : static_cast<float>(q[k]);
    return p;
  }

 private:
  static constexpr const value_type* tensor(const value_type* input, const value_type* arena, int t) noexcept {
    return t < 0 ? nullptr : (t == 0 ? input : arena + plan.offset[static_cast<std::size_t>(t)]);
  }
  static constexpr void mark() noexcept {
#if defined(CTML_LAYER_MARKS)
    if (!std::is_constant_evaluated()) ctml_layer_mark();
#endif
  }
  template <std::size_t... I>
  static constexpr void infer(const value_type* input, value_type* arena, std::index_sequence<I...>) noexcept {
    ((detail::nth<I, Layers...>::type::template run<shapes[I], shapes[I + 1]>(
          tensor(input, arena, static_cast<int>(I)), tensor(input, arena, detail::nth<I, Layers...>::type::extra_input),
          arena + plan.offset[I + 1]),
      mark()),
     ...);
  }
};

}  // namespace ctml::nn
