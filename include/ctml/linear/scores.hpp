// The affine scores every linear model computes: s_o = bias_o + sum_j w_oj * x_j, for each output o.
// Float weights on float inputs (the reference path), or int8/int16 weights on int8/int16 input
// codes with an int32 accumulator that codegen and a static_assert prove cannot overflow.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

#include "../core/fixed.hpp"
#include "../core/layout.hpp"
#include "../core/math.hpp"
#include "../core/unroll.hpp"
#include "../platform/dot.hpp"
#include "../platform/code_size.hpp"
#include "../platform/flash.hpp"
#include "../platform/load.hpp"
#include "../platform/multiply.hpp"
#include "../platform/target.hpp"

namespace ctml::linear::detail {

// The largest |value| an input code of type Q can take (-min for signed types).
template <class Q>
inline constexpr std::int64_t code_magnitude = -static_cast<std::int64_t>(std::numeric_limits<Q>::min());

// True when no input can overflow the int32 accumulator of any output: |bias| + sum |w| * max|x|.
template <class Spec>
consteval bool accumulator_fits() {
  constexpr std::size_t n = Spec::n_features;
  for (std::size_t o = 0; o < Spec::n_outputs; ++o) {
    std::int64_t b = Spec::bias[o];
    std::int64_t bound = b < 0 ? -b : b;
    for (std::size_t j = 0; j < n; ++j) {
      std::int64_t w = Spec::weights[o * n + j];
      bound += (w < 0 ? -w : w) * code_magnitude<typename Spec::feature_type>;
    }
    if (bound > std::numeric_limits<std::int32_t>::max()) return false;
  }
  return true;
}

template <class Spec, class LayoutPolicy>
struct scores {
  using feature_type = typename Spec::feature_type;
  using weight_type = typename Spec::weight_type;
  using accum_type = typename Spec::accum_type;
  static constexpr std::size_t n_features = Spec::n_features;
  static constexpr std::size_t n_outputs = Spec::n_outputs;
  using input_type = std::array<feature_type, n_features>;
  using output_type = std::array<accum_type, n_outputs>;
  static constexpr bool is_float = std::is_floating_point_v<feature_type>;

  static_assert(is_float == std::is_floating_point_v<weight_type> && is_float == std::is_floating_point_v<accum_type>,
                "ctml: a linear model is float throughout or integer throughout (feature, weight and accumulator types)");
  static_assert(is_float || (std::is_same_v<accum_type, std::int32_t> && sizeof(feature_type) <= 2 && sizeof(weight_type) <= 2),
                "ctml: integer linear models take int8/int16 inputs and weights and an int32 accumulator");
  static_assert(sizeof(Spec::weights) == sizeof(weight_type) * n_outputs * n_features,
                "ctml: the weight table must hold n_outputs * n_features weights");
  static_assert(is_float || accumulator_fits<Spec>(),
                "ctml: the linear model's int32 accumulator could overflow; regenerate it with smaller weights (codegen scales them to fit)");

  // The code each layout links (platform/code_size.hpp): per score row and per multiply-add the
  // unrolled code keeps (integer zero weights cost nothing; float ones stay).
  static constexpr std::size_t terms = [] {
    std::size_t n = 0;
    for (std::size_t k = 0; k < n_outputs * n_features; ++k) n += is_float || Spec::weights[k] != 0;
    return n;
  }();
  static constexpr const platform::layout_costs& cost = is_float ? platform::costs.linear_float : platform::costs.linear;
  static constexpr std::size_t code_unrolled = platform::code_bytes(cost.unrolled, n_outputs, terms);
  static constexpr std::size_t code_estimate = code_unrolled;
  using layout_type = layout::resolve_t<LayoutPolicy, code_estimate>;
  static constexpr bool unrolled = std::is_same_v<layout_type, layout::unrolled>;
  // Float models read their tables in both layouts (compute_finite's fallback below).
  static constexpr std::size_t data_bytes = unrolled && !is_float ? 0 : sizeof(Spec::weights) + sizeof(Spec::bias);
  static constexpr std::size_t code_bytes = unrolled ? code_unrolled : platform::code_bytes(cost.table, n_outputs);
  static constexpr std::size_t flash_bytes = code_bytes + data_bytes;  // code + constants

  // One product in the accumulator's type.
  static constexpr accum_type term(weight_type w, feature_type x) noexcept {
    if constexpr (is_float) return w * x;
    else if constexpr (sizeof(weight_type) + sizeof(feature_type) <= 2) return ctml::fixed::widening_mul(w, x);
    else return platform::mul_s16_s32(w, x);
  }

#if defined(__AVR__) && defined(__AVR_HAVE_MUL__) && !defined(__AVR_HAVE_ELPM__)
  // AVR, int8 x int8, up to 64 features: the nonzero weights of row O as `ldi` immediates, four
  // terms an asm statement (platform/dot_avr.hpp). |sum| <= 64 * 2^14 fits its 24-bit sum.
  static constexpr bool avr_imm = !is_float && sizeof(weight_type) == 1 && sizeof(feature_type) == 1 && n_features <= 64;
  struct nonzero {
    std::array<std::uint8_t, n_features> j{}, w{};
    std::size_t count = 0;
  };
  template <std::size_t O>
  static consteval nonzero nonzero_terms() {
    nonzero t;
    for (std::size_t j = 0; j < n_features; ++j)
      if (const weight_type w = Spec::weights[O * n_features + j]; w != 0) {
        t.j[t.count] = static_cast<std::uint8_t>(j);
        t.w[t.count++] = static_cast<std::uint8_t>(w);
      }
    return t;
  }
  template <const nonzero& T, std::size_t... G, std::size_t... R>
  [[gnu::always_inline]] static void mac_terms(const std::int8_t* x, std::uint16_t& lo, std::uint8_t& hi,
                                               std::index_sequence<G...>, std::index_sequence<R...>) noexcept {
    (platform::avr::mac4_s8_imm<T.j[4 * G], T.w[4 * G], T.j[4 * G + 1], T.w[4 * G + 1], T.j[4 * G + 2], T.w[4 * G + 2],
                                T.j[4 * G + 3], T.w[4 * G + 3]>(x, lo, hi),
     ...);
    (platform::avr::mac1_s8_imm<T.j[T.count / 4 * 4 + R], T.w[T.count / 4 * 4 + R]>(x, lo, hi), ...);
  }
  template <std::size_t O>
  static constexpr nonzero terms_of = nonzero_terms<O>();
  template <std::size_t O>
  [[gnu::always_inline]] static accum_type row_avr(const input_type& x) noexcept {
    constexpr const nonzero& t = terms_of<O>;
    std::uint16_t lo = 0;
    std::uint8_t hi = 0;
    mac_terms<terms_of<O>>(x.data(), lo, hi, std::make_index_sequence<t.count / 4>{}, std::make_index_sequence<t.count % 4>{});
    const auto sum = static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::int8_t>(hi)) << 16 | lo);
    return Spec::bias[O] + sum;
  }
  // AVR, int16 inputs (int8 or int16 weights): the nonzero weights as immediates, one asm
  // statement a term (platform::avr::mac_s16_imm picks the 2- or 4-product form from the weight),
  // the input read as Z+2j from a pointer advanced 32 features at a time. The sum is exact modulo
  // 2^32, and accumulator_fits proves the true sum is an int32.
  static constexpr bool avr_imm16 = !is_float && sizeof(feature_type) == 2;
  struct nonzero16 {
    std::array<std::uint16_t, n_features> j{};
    std::array<std::int16_t, n_features> w{};
    std::size_t count = 0;
  };
  template <std::size_t O>
  static consteval nonzero16 nonzero16_terms() {
    nonzero16 t;
    for (std::size_t j = 0; j < n_features; ++j)
      if (const weight_type w = Spec::weights[O * n_features + j]; w != 0) {
        t.j[t.count] = static_cast<std::uint16_t>(j);
        t.w[t.count++] = static_cast<std::int16_t>(w);
      }
    return t;
  }
  template <std::size_t O>
  static constexpr nonzero16 terms16_of = nonzero16_terms<O>();
  template <std::size_t O, std::size_t... K>
  [[gnu::always_inline]] static void mac16_terms(const std::int16_t* x, std::uint16_t& lo, std::uint16_t& hi,
                                                 std::index_sequence<K...>) noexcept {
    constexpr const nonzero16& t = terms16_of<O>;
    (platform::avr::mac_s16_imm<2 * (t.j[K] % 32), t.w[K]>(x + t.j[K] / 32 * 32, lo, hi), ...);
  }
  template <std::size_t O>
  [[gnu::always_inline]] static accum_type row_avr16(const input_type& x) noexcept {
    std::uint16_t lo = 0, hi = 0;
    mac16_terms<O>(x.data(), lo, hi, std::make_index_sequence<terms16_of<O>.count>{});
    return Spec::bias[O] + static_cast<std::int32_t>(static_cast<std::uint32_t>(hi) << 16 | lo);
  }
#else
  static constexpr bool avr_imm = false;
  static constexpr bool avr_imm16 = false;
#endif

  template <std::size_t O>
  static constexpr accum_type row_unrolled(const input_type& x) noexcept {
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__) && !defined(__AVR_HAVE_ELPM__)
    if constexpr (avr_imm)
      if (!std::is_constant_evaluated()) return row_avr<O>(x);
    if constexpr (avr_imm16)
      if (!std::is_constant_evaluated()) return row_avr16<O>(x);
#endif
    accum_type acc = Spec::bias[O];
    // Integer zero weights cost nothing; float ones stay so that NaN and -0 behave as the table's.
    ::ctml::detail::unroll<n_features>([&](auto j) {
      constexpr std::size_t J = decltype(j)::value;
      constexpr weight_type w = Spec::weights[O * n_features + J];
      if constexpr (is_float || w != 0) acc += term(w, platform::load_element<J>(x));
    });
    return acc;
  }

  static constexpr accum_type row_table(const input_type& x, std::size_t o) noexcept {
    if constexpr (!is_float) {
      // The integer dot product (platform/dot.hpp: hardware-multiply loops on AVR).
      return platform::flash_read(&Spec::bias[o]) + platform::dot_int(&Spec::weights[o * n_features], x.data(), n_features);
    }
    accum_type acc = platform::flash_read(&Spec::bias[o]);
    const weight_type* w = &Spec::weights[o * n_features];
    for (std::size_t j = 0; j < n_features; ++j) acc += term(platform::flash_read(w + j), x[j]);
    return acc;
  }

  static constexpr output_type compute(const input_type& x) noexcept {
    output_type s;  // every entry is written below (zeroing it first was a memset call on AVR)
    if constexpr (unrolled) {
      ::ctml::detail::unroll<n_outputs>([&](auto o) { s[o] = row_unrolled<decltype(o)::value>(x); });
    } else {
      for (std::size_t o = 0; o < n_outputs; ++o) s[o] = row_table(x, o);
    }
    return s;
  }

  // A score in real units (the framework's decision_function).
  static constexpr float to_real(accum_type a) noexcept {
    if constexpr (is_float) return a;
    else return static_cast<float>(a) * Spec::score_scale;
  }

  // Scores that are finite for every finite input. A float w . x of finite inputs can leave
  // float's range (or meet inf - inf, NaN); then the scores are recomputed on the inputs scaled by
  // 2^-K, which is exact (a power of two) and keeps every product and sum finite, K being fixed at
  // compile time from the largest |b_o| + sum_j |w_oj| (4 M FLT_MAX 2^-K <= FLT_MAX). The true
  // scores are s * scale: their signs and order (predict) are kept, decision_function saturates
  // them at +-FLT_MAX, and the probabilities take differences in the scaled domain. Inputs that
  // are NaN or infinite keep the direct result (NaN propagates). Integer models: scale 1 always.
  struct scaled_scores {
    output_type s;
    float scale;  // 1, or 2^K after the fallback
  };

  static constexpr int fallback_shift() noexcept {
    if constexpr (!is_float) {
      return 0;
    } else {
      double m = 0;
      for (std::size_t o = 0; o < n_outputs; ++o) {
        double r = Spec::bias[o] < 0 ? -static_cast<double>(Spec::bias[o]) : static_cast<double>(Spec::bias[o]);
        for (std::size_t j = 0; j < n_features; ++j) {
          const double w = Spec::weights[o * n_features + j];
          r += w < 0 ? -w : w;
        }
        m = r > m ? r : m;
      }
      int k = 1;
      for (double p = 2.0; p < 4.0 * m && k < 126; p *= 2.0) ++k;
      return k;
    }
  }
  static constexpr float pow2(int k) noexcept {
    float p = 1.0f;
    for (int i = 0; i < k; ++i) p *= 2.0f;
    return p;
  }

  static constexpr scaled_scores compute_finite(const input_type& x) noexcept {
    scaled_scores r{compute(x), 1.0f};
    if constexpr (is_float) {
      bool ok = true;
      for (const accum_type v : r.s) ok = ok && math::finite(v);
      if (ok) return r;
      for (const feature_type v : x)
        if (!math::finite(v)) return r;
      constexpr float up = pow2(fallback_shift());
      constexpr float down = 1.0f / up;
      for (std::size_t o = 0; o < n_outputs; ++o) {
        accum_type acc = platform::flash_read(&Spec::bias[o]) * down;
        const weight_type* w = &Spec::weights[o * n_features];
        for (std::size_t j = 0; j < n_features; ++j) acc += platform::flash_read(w + j) * (x[j] * down);
        r.s[o] = acc;
      }
      r.scale = up;
    }
    return r;
  }

  // Scores whose signs and order are the true ones, for predict: integer models' own scores (no
  // copy through scaled_scores: 10 int32 scores copied twice cost AVR ~340 cycles), float models'
  // finite (possibly scaled) ones.
  static constexpr output_type ordered(const input_type& x) noexcept {
    if constexpr (is_float) return compute_finite(x).s;
    else return compute(x);
  }

  // The real score s * scale, saturated at +-FLT_MAX (NaN stays NaN).
  static constexpr float to_real(accum_type a, float scale) noexcept {
    if constexpr (!is_float) {
      return to_real(a);
    } else {
      return math::saturate_to_float(static_cast<double>(a) * scale);
    }
  }
};

}  // namespace ctml::linear::detail
