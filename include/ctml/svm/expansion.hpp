// The kernel expansion every kernel machine shares: out[p] = sum_i coef[row][i] K(x, v_i) + b[p],
// streamed one support vector at a time (no kernel cache in RAM). Support vectors are grouped by
// class as libsvm stores them; a vector of class c feeds libsvm's one-vs-one pairs (c, d) with the
// coefficient row d - 1 (d > c) or d (d < c). Other machines have one group; a logistic machine
// has one output per coefficient row (one-vs-rest: each vector adds coef[p][i] K to every output p),
// the others one row and one output.
// unrolled: support vectors and coefficients are instruction immediates; table: they are read
// from flash in a loop. Both run the same operations in the same order (identical results).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../core/fixed.hpp"
#include "../core/layout.hpp"
#include "../platform/code_size.hpp"
#include "../platform/flash.hpp"
#include "../platform/target.hpp"
#include "kernel.hpp"

namespace ctml::svm {

enum class machine_kind : std::uint8_t { ovo, regression, one_class, logistic };

namespace detail {

template <class Spec, class LayoutPolicy>
struct expansion {
  static_assert(layout::is_layout<LayoutPolicy>, "ctml: the layout must be ctml::layout::unrolled, ::table or ::automatic");
  using feature_type = typename Spec::feature_type;
  static constexpr bool is_float = std::is_same_v<feature_type, float>;
  using kmath = kernel_math<Spec>;
  using coef_type = std::remove_cvref_t<decltype(Spec::coef[0][0])>;
  using out_type = std::conditional_t<is_float, float, std::int32_t>;
  static constexpr std::size_t n_features = Spec::n_features;
  static constexpr std::size_t n_sv = Spec::n_sv;
  static constexpr std::size_t n_groups = Spec::n_support.size();
  static constexpr std::size_t n_rows = std::extent_v<std::remove_cvref_t<decltype(Spec::coef)>>;
  static constexpr std::size_t n_outputs = Spec::kind == machine_kind::ovo        ? n_groups * (n_groups - 1) / 2
                                           : Spec::kind == machine_kind::logistic ? n_rows
                                                                                  : 1;
  using input_type = std::array<feature_type, n_features>;
  using result_type = std::array<out_type, n_outputs>;

  static_assert(std::is_same_v<coef_type, std::conditional_t<is_float, float, std::int16_t>>,
                "ctml: coefficients are float (float features) or int16_t Q15-scaled (integer features)");
  static_assert(sizeof(Spec::sv) == n_sv * n_features * sizeof(feature_type), "ctml: malformed kernel machine: sv shape");
  static_assert(sizeof(Spec::coef) == (Spec::kind == machine_kind::ovo        ? n_groups - 1
                                       : Spec::kind == machine_kind::logistic ? n_rows
                                                                              : 1) * n_sv * sizeof(coef_type),
                "ctml: malformed kernel machine: coef shape");
  static_assert(Spec::kind != machine_kind::logistic || sizeof(Spec::intercept) == n_rows * sizeof(out_type),
                "ctml: malformed logistic machine: it needs one intercept per coefficient row (one output per row)");
  static_assert(sizeof(Spec::intercept) == n_outputs * sizeof(out_type), "ctml: malformed kernel machine: intercept shape");
  static_assert(Spec::kind == machine_kind::ovo ? n_groups >= 2 : n_groups == 1,
                "ctml: malformed kernel machine: a one-vs-one classifier has a group per class, others one group");

  static constexpr std::size_t start(std::size_t g) noexcept {
    std::size_t s = 0;
    for (std::size_t k = 0; k < g; ++k) s += Spec::n_support[k];
    return s;
  }
  static_assert(start(n_groups) == n_sv, "ctml: malformed kernel machine: n_support does not sum to n_sv");

  // libsvm's index of the pair (i, j), i < j: (0,1), (0,2), ..., (1,2), ...
  static constexpr std::size_t pair(std::size_t i, std::size_t j) noexcept { return i * n_groups - i * (i + 1) / 2 + (j - i - 1); }

  // The largest sum of |coefficient| one output adds up (integer path): with kernel values <= 32768
  // it keeps every int32 sum exact, for any input.
  static constexpr long coef_mass() noexcept {
    long worst = 0;
    for (std::size_t p = 0; p < n_outputs; ++p) {
      long sum = 0;
      for (std::size_t i = 0; i < n_sv; ++i) {
        std::size_t g = 0;
        while (start(g + 1) <= i) ++g;
        std::size_t row = 0;
        if constexpr (Spec::kind == machine_kind::ovo) {
          std::size_t a = 0, b = 0;  // the pair (a, b) of output p
          for (std::size_t i2 = 0; i2 < n_groups; ++i2)
            for (std::size_t j2 = i2 + 1; j2 < n_groups; ++j2)
              if (pair(i2, j2) == p) a = i2, b = j2;
          if (g != a && g != b) continue;
          row = g == a ? b - 1 : a;
        } else if constexpr (Spec::kind == machine_kind::logistic) {
          row = p;
        }
        const long c = static_cast<long>(Spec::coef[row][i]);
        sum += c < 0 ? -c : c;
      }
      worst = sum > worst ? sum : worst;
    }
    return worst;
  }
  static_assert(is_float || coef_mass() <= 65535,
                "ctml: malformed kernel machine: one output's coefficients add up to more than 65535 (its int32 sum "
                "could overflow); regenerate the model with ctml codegen");


  // The code each layout links (platform/code_size.hpp): per decision function, per class of a
  // one-vs-one vote, the kernel's own code, and unrolled per support vector and per term.
  static constexpr const platform::layout_costs& cost = is_float ? platform::costs.kernel_float : platform::costs.kernel;
  static constexpr std::size_t ovo_classes = Spec::kind == machine_kind::ovo ? n_groups : 0;
  static constexpr bool sigmoid = Spec::kernel == kernel_kind::sigmoid, poly = Spec::kernel == kernel_kind::poly;
  static constexpr std::size_t code_unrolled =
      platform::code_bytes(cost.unrolled, n_outputs, ovo_classes, sigmoid, poly, n_sv, n_sv * n_features);
  static constexpr std::size_t code_table = platform::code_bytes(cost.table, n_outputs, ovo_classes, sigmoid, poly);
  // Integer kernels read fixed_math's exp table (flash) in both layouts.
  static constexpr std::size_t shared_data = is_float ? 0 : sizeof(fixed_math::detail::exp_neg_sixteenths);
  static constexpr std::size_t code_estimate = code_unrolled + shared_data;
  using layout_type = layout::resolve_t<LayoutPolicy, code_estimate>;
  static constexpr bool unrolled = std::is_same_v<layout_type, layout::unrolled>;
  static constexpr std::size_t scaling_bytes() noexcept {
    if constexpr (Spec::has_scaling) return sizeof(Spec::in_offset) + sizeof(Spec::in_scale);
    else return 0;
  }
  static constexpr std::size_t table_data = sizeof(Spec::sv) + sizeof(Spec::coef) + sizeof(Spec::intercept) + scaling_bytes();
  static_assert(!Spec::has_scaling || is_float, "ctml: integer models fold the input scaling into their quantizer");
  // Float linear, poly and sigmoid kernels recompute in double when a float output is not finite
  // (decision_wide below), on targets with a 64-bit double: that path reads the tables, so they
  // are in flash in both layouts, and its sums are on the stack.
  static constexpr bool wide_fallback =
      is_float && sizeof(double) == 8 &&
      (Spec::kernel == kernel_kind::poly || Spec::kernel == kernel_kind::sigmoid || Spec::kernel == kernel_kind::linear);
  static constexpr std::size_t data_bytes = (unrolled && !wide_fallback ? 0 : table_data) + shared_data;
  static constexpr std::size_t code_bytes = unrolled ? code_unrolled : code_table;
  static constexpr std::size_t flash_bytes = code_bytes + data_bytes;  // code + constants
  // The stack of one inference beyond the model's own scratch: the platform's call frame plus the
  // kernel's helpers (AVR: multiply and soft-float routines; Cortex-M: float registers spilled
  // around the unrolled float kernels), as measured by the target runs.
  static constexpr std::size_t frame_bytes =
      platform::call_frame_bytes + (platform::is_avr ? 64 : (is_float ? 160 : 96)) +  // 96: diabetes_nusvr at -O2/-O3 on the M4
      (wide_fallback ? n_outputs * sizeof(double) : 0);

  CTML_OUTLINE_SMALL_FLASH static constexpr void add(out_type& acc, coef_type c, typename kmath::value_type k) noexcept {
    if constexpr (is_float) {
      const float t = c * k;  // a separate statement: no fused multiply-add in one layout only
      acc = acc + t;
    } else {
      // c * k by sign and magnitude, one 16 x 16-bit multiply (|k| <= 32768); the sums are
      // bounded by the coefficient mass (static_assert below).
      bool negative = c < 0;
      std::uint16_t magnitude = static_cast<std::uint16_t>(k);
      if constexpr (std::is_signed_v<typename kmath::value_type>) {
        negative = negative != (k < 0);
        magnitude = static_cast<std::uint16_t>(k < 0 ? -k : k);
      }
      const auto p = static_cast<std::int32_t>(fixed_math::detail::mul16(static_cast<std::uint16_t>(c < 0 ? -c : c), magnitude));
      acc += negative ? -p : p;
    }
  }

  // The coefficient row and output a vector of group G contributes to, for the D-th other group.
  template <std::size_t G, std::size_t D>
  static constexpr std::size_t row = Spec::kind == machine_kind::ovo ? (D > G ? D - 1 : D) : 0;
  template <std::size_t G, std::size_t D>
  static constexpr std::size_t out = Spec::kind == machine_kind::ovo ? (G < D ? pair(G, D) : pair(D, G)) : 0;

  // The unrolled layout's constants: constexpr variables, so each read is a compile-time value
  // (an instruction immediate), never a load from the table (clang-16 has no float template arguments).
  template <std::size_t I, std::size_t J> static constexpr feature_type sv_c = Spec::sv[I][J];
  template <std::size_t R, std::size_t I> static constexpr coef_type coef_c = Spec::coef[R][I];
  template <std::size_t P> static constexpr out_type intercept_c = Spec::intercept[P];
  template <std::size_t J> static constexpr float offset_c = Spec::in_offset[J];
  template <std::size_t J> static constexpr float scale_c = Spec::in_scale[J];

  template <std::size_t I>
  static constexpr std::size_t group_of() noexcept {
    std::size_t g = 0;
    while (start(g + 1) <= I) ++g;
    return g;
  }

  // unrolled: the kernel of support vector I, then its coefficient for each output it feeds
  // (member templates rather than nested generic lambdas, which g++ 12 cannot compile here).
  template <std::size_t I, std::size_t... J>
  static constexpr typename kmath::value_type kernel_unrolled(const input_type& x, std::index_sequence<J...>) noexcept {
    typename kmath::acc_type acc{};
    ((acc = kmath::step(acc, x[J], sv_c<I, J>)), ...);
    return kmath::finish(acc);
  }

  template <std::size_t I, std::size_t G, std::size_t D>
  static constexpr void spread_unrolled(result_type& r, typename kmath::value_type k) noexcept {
    if constexpr (D != G) add(r[out<G, D>], coef_c<row<G, D>, I>, k);
  }

  // Every other kind: row p feeds output p (one row and one output but for multi-class logistic).
  template <std::size_t I, std::size_t... P>
  static constexpr void rows_unrolled(result_type& r, typename kmath::value_type k, std::index_sequence<P...>) noexcept {
    (add(r[P], coef_c<P, I>, k), ...);
  }

  template <std::size_t I, std::size_t... D>
  static constexpr void vector_unrolled(result_type& r, const input_type& x, std::index_sequence<D...>) noexcept {
    const auto k = kernel_unrolled<I>(x, std::make_index_sequence<n_features>{});
    constexpr std::size_t g = group_of<I>();
    if constexpr (Spec::kind == machine_kind::ovo) (spread_unrolled<I, g, D>(r, k), ...);
    else rows_unrolled<I>(r, k, std::make_index_sequence<n_outputs>{});
  }

  template <std::size_t... I>
  static constexpr result_type sums_unrolled(const input_type& x, std::index_sequence<I...>) noexcept {
    result_type r{};
    (vector_unrolled<I>(r, x, std::make_index_sequence<n_groups>{}), ...);
    return r;
  }

  // table: a loop per class group over the vectors in flash; the group's rows are constants.
  template <std::size_t G, std::size_t D>
  static constexpr void spread_table(result_type& r, std::size_t i, typename kmath::value_type k) noexcept {
    if constexpr (D != G) add(r[out<G, D>], platform::flash_read(&Spec::coef[row<G, D>][i]), k);
  }

  template <std::size_t... P>
  static constexpr void rows_table(result_type& r, std::size_t i, typename kmath::value_type k, std::index_sequence<P...>) noexcept {
    (add(r[P], platform::flash_read(&Spec::coef[P][i]), k), ...);
  }

  template <std::size_t G, std::size_t... D>
  static constexpr void group_table(result_type& r, const input_type& x, std::index_sequence<D...>) noexcept {
    for (std::size_t i = start(G); i < start(G + 1); ++i) {
      typename kmath::acc_type acc{};
      for (std::size_t j = 0; j < n_features; ++j) acc = kmath::step(acc, x[j], platform::flash_read(&Spec::sv[i][j]));
      const auto k = kmath::finish(acc);
      if constexpr (Spec::kind == machine_kind::ovo) (spread_table<G, D>(r, i, k), ...);
      else rows_table(r, i, k, std::make_index_sequence<n_outputs>{});
    }
  }

  template <std::size_t... G>
  static constexpr result_type sums_table(const input_type& x, std::index_sequence<G...>) noexcept {
    result_type r{};
    (group_table<G>(r, x, std::make_index_sequence<n_groups>{}), ...);
    return r;
  }

  // Float models of a scaler Pipeline: z = (x - offset) * scale, once per inference.
  static constexpr input_type scaled(const input_type& x) noexcept {
    if constexpr (!Spec::has_scaling) {
      return x;
    } else {
      input_type z{};
      [&]<std::size_t... J>(std::index_sequence<J...>) {
        if constexpr (unrolled) ((z[J] = (x[J] - offset_c<J>) * scale_c<J>), ...);
        else ((z[J] = (x[J] - platform::flash_read(&Spec::in_offset[J])) * platform::flash_read(&Spec::in_scale[J])), ...);
      }(std::make_index_sequence<n_features>{});
      return z;
    }
  }

  // Float linear, poly and sigmoid kernels: <x, v> of finite inputs can overflow float or meet
  // inf - inf (NaN), and a poly kernel's value can leave float's range. When an output is not
  // finite and the input is, the expansion is recomputed in double (scaling, dot products, kernel
  // and sums; libsvm computes in double too) and saturated at +-FLT_MAX. rbf needs none: its
  // distances only grow to +inf and exp(-inf) is 0. Targets whose double is 32 bits (AVR) get the
  // float result again: there the finite domain stays bounded (docs/robustness.md).


  static constexpr result_type decision_wide(const input_type& x) noexcept {
    const auto z = [&](std::size_t j) {  // the scaled input, recomputed per vector (no array on the stack)
      double v = x[j];
      if constexpr (Spec::has_scaling)
        v = (v - static_cast<double>(platform::flash_read(&Spec::in_offset[j]))) *
            static_cast<double>(platform::flash_read(&Spec::in_scale[j]));
      return v;
    };
    std::array<double, n_outputs> acc{};
    for (std::size_t g = 0; g < n_groups; ++g) {
      for (std::size_t i = start(g); i < start(g + 1); ++i) {
        double dot = 0;
        for (std::size_t j = 0; j < n_features; ++j) dot += z(j) * static_cast<double>(platform::flash_read(&Spec::sv[i][j]));
        double k = dot;
        if constexpr (Spec::kernel != kernel_kind::linear) {
          const double u = static_cast<double>(Spec::gamma) * dot + static_cast<double>(Spec::coef0);
          if constexpr (Spec::kernel == kernel_kind::poly) {
            k = 1;
            for (int d = 0; d < Spec::degree; ++d) k *= u;
          } else {
            k = tanh(math::saturate_to_float(u));
          }
        }
        if constexpr (Spec::kind == machine_kind::ovo) {
          for (std::size_t d = 0; d < n_groups; ++d)
            if (d != g)
              acc[g < d ? pair(g, d) : pair(d, g)] += static_cast<double>(platform::flash_read(&Spec::coef[d > g ? d - 1 : d][i])) * k;
        } else {
          for (std::size_t p = 0; p < n_outputs; ++p) acc[p] += static_cast<double>(platform::flash_read(&Spec::coef[p][i])) * k;
        }
      }
    }
    result_type r;
    for (std::size_t p = 0; p < n_outputs; ++p) r[p] = math::saturate_to_float(acc[p] + static_cast<double>(platform::flash_read(&Spec::intercept[p])));
    return r;
  }

  // Every output's kernel sum plus its intercept (integer: saturating, in the Q15-scaled domain).
  static constexpr result_type decision(const input_type& x) noexcept {
    result_type r = decision_direct(x);
    if constexpr (wide_fallback) {
      bool ok = true;
      for (const out_type v : r) ok = ok && math::finite(v);
      if (ok) return r;
      for (const feature_type v : x)
        if (!math::finite(v)) return r;
      return decision_wide(x);
    }
    return r;
  }

  static constexpr result_type decision_direct(const input_type& x) noexcept {
    result_type r;
    if constexpr (unrolled) r = sums_unrolled(scaled(x), std::make_index_sequence<n_sv>{});
    else r = sums_table(scaled(x), std::make_index_sequence<n_groups>{});
    [&]<std::size_t... P>(std::index_sequence<P...>) {
      if constexpr (unrolled) ((r[P] = plus(r[P], intercept_c<P>)), ...);
      else ((r[P] = plus(r[P], platform::flash_read(&Spec::intercept[P]))), ...);
    }(std::make_index_sequence<n_outputs>{});
    return r;
  }

  static constexpr out_type plus(out_type a, out_type b) noexcept {
    if constexpr (is_float) return a + b;
    else return fixed::saturating_add(a, b);
  }

  // An output in real units: the integer path's sums are scaled by out_scale.
  static constexpr float to_real(out_type v) noexcept {
    if constexpr (is_float) return v;
    else return static_cast<float>(v) * Spec::out_scale;
  }
};

}  // namespace detail
}  // namespace ctml::svm
