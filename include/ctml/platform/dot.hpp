// Dot products of int8 weights in flash with int8 activations in RAM, the inner loop of every
// network layer (CMSIS-NN's arm_nn_vec_mat_mult_t_s8 is the analogue). On AVR the assembly loop
// of dot_avr.hpp (lpm Z+, ld X+, muls, 24-bit add) takes 11-12 cycles a term where clang's code
// took ~40 (measured on the digits MLP); on Cortex-M4/M7 SXTB16 + SMLAD take four taps per step, and the
// kernels use dot_rows_s8 (four weight rows per input word, the input offset added by SXTAB16)
// and window4_s8 (depthwise, four channels per tap); the M33 and M55 have the same DSP extension
// and take these kernels; on the M55, Helium (MVE) takes dot_s8 and dot_rows_s8, 16 taps per
// VMLADAVA; on RISC-V and the M0 dot_rows_s8 is plain C++ blocked by rows; elsewhere (M3, host),
// and in constant expressions, plain C++.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "dot_avr.hpp"
#include "flash.hpp"

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#endif
#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#include <arm_mve.h>
#define CTML_MVE 1
#endif
// Cores without SIMD for int8 (RISC-V rv32imc, Cortex-M0): dot_rows_s8 in plain C++, rows blocked.
#if (defined(__riscv) && !defined(__linux__)) || (defined(__arm__) && __ARM_ARCH_ISA_THUMB == 1)
#define CTML_SCALAR_ROWS 1
#endif

namespace ctml::platform {

struct dot_result {
  std::int32_t acc;   // sum of w[i] * x[i]
  std::int32_t wsum;  // sum of w[i] (only with WeightSum)
};

namespace detail {
struct acc4 {
  std::int32_t a00, a01, a10, a11;  // (weight row, input column): dot_2x2_s8's four sums
};

template <bool WeightSum>
constexpr dot_result dot_s8_portable(const std::int8_t* w, const std::int8_t* x, std::size_t n) noexcept {
  dot_result r{0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    const std::int8_t wv = flash_read(&w[i]);
    r.acc += static_cast<std::int16_t>(static_cast<std::int16_t>(wv) * x[i]);
    if constexpr (WeightSum) r.wsum += wv;
  }
  return r;
}

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
// Cortex-M4/M7 (ACLE): four taps per step. SXTB16 sign-extends bytes 0 and 2 (and, after a
// rotation by 8, bytes 1 and 3) into two 16-bit lanes, and SMLAD adds both lane products to the
// accumulator, as CMSIS-NN's arm_nn_vec_mat_mult_t_s8 does. The same integer sum as the portable
// loop: codegen bounds |acc| below 2^31, so no addition wraps.
inline std::uint32_t load4(const std::int8_t* p) noexcept {
  std::uint32_t v;
  __builtin_memcpy(&v, p, 4);  // one unaligned LDR: the M4 allows it for single words
  return v;
}
template <bool WeightSum>
inline dot_result dot_s8_dsp(const std::int8_t* w, const std::int8_t* x, std::size_t n) noexcept {
  std::int32_t acc = 0, wsum = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const std::uint32_t wv = load4(w + i), xv = load4(x + i);
    const int16x2_t w02 = __sxtb16(wv), w13 = __sxtb16((wv >> 8) | (wv << 24));
    const int16x2_t x02 = __sxtb16(xv), x13 = __sxtb16((xv >> 8) | (xv << 24));
    acc = __smlad(w02, x02, acc);
    acc = __smlad(w13, x13, acc);
    if constexpr (WeightSum) wsum = __smlad(w02, 0x00010001, __smlad(w13, 0x00010001, wsum));
  }
  for (; i < n; ++i) {
    acc += static_cast<std::int32_t>(w[i]) * x[i];
    if constexpr (WeightSum) wsum += w[i];
  }
  return dot_result{acc, wsum};
}

// SXTB16/SXTAB16 on bytes 1 and 3: the rotation is the instruction's own operand. Written with
// __ror, GCC emits a separate ror before each (19 instructions per 4 taps in dot_s8_dsp).
inline std::int32_t sxtb16_ror8(std::uint32_t v) noexcept {
  std::int32_t r;
  asm("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}
inline std::int32_t sxtab16_ror8(std::int32_t a, std::uint32_t v) noexcept {
  std::int32_t r;
  asm("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(v));
  return r;
}

// Rows weight rows against one input run; x + offset in 16-bit lanes costs nothing (SXTAB16 in
// place of SXTB16), so no weight sum is needed. Each input word is loaded and widened once for
// all rows, as in CMSIS-NN's arm_nn_mat_mult_nt_t_s8 (which blocks two rows by two columns).
// The unroll pragmas keep acc in registers (-Os kept it in memory: DS-CNN 24.1 M instead of
// 15.9 M); Stride as a template parameter gives the loads immediate offsets.
template <std::size_t Rows, std::size_t Stride>
[[gnu::noinline]] void dot_rows_s8_dsp(const std::int8_t* w, const std::int8_t* x, std::size_t n,
                                       std::int32_t offset, std::int32_t* out) noexcept {
  const std::int32_t off2 = static_cast<std::int32_t>((static_cast<std::uint32_t>(offset) & 0xffffu) * 0x00010001u);
  std::int32_t acc[Rows] = {};
  for (std::size_t k = n / 4; k > 0; --k, x += 4, w += 4) {
    const std::uint32_t xv = load4(x);
    const std::int32_t x02 = __sxtab16(off2, xv), x13 = sxtab16_ror8(off2, xv);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) {
      const std::uint32_t wv = load4(w + r * Stride);
      acc[r] = __smlad(__sxtb16(wv), x02, acc[r]);
      acc[r] = __smlad(sxtb16_ror8(wv), x13, acc[r]);
    }
  }
  for (std::size_t i = 0; i < n % 4; ++i)
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) acc[r] += static_cast<std::int32_t>(w[r * Stride + i]) * (x[i] + offset);
#pragma GCC unroll 8
  for (std::size_t r = 0; r < Rows; ++r) out[r] += acc[r];
}

// Four scalar accumulators and end pointers: with an array, or counters, GCC -Os spilled them.
template <std::size_t C, std::size_t WRow, std::size_t XRow>
[[gnu::noinline]] void window4_s8_dsp(const std::int8_t* w, const std::int8_t* x, std::size_t rows, std::size_t cols,
                                      std::int32_t offset, std::int32_t* acc) noexcept {
  const std::int32_t off2 = static_cast<std::int32_t>((static_cast<std::uint32_t>(offset) & 0xffffu) * 0x00010001u);
  std::int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (const std::int8_t* const x_end = x + rows * XRow; x != x_end; w += WRow, x += XRow) {
    const std::int8_t* wp = w;
    for (const std::int8_t *xp = x, *const row_end = x + cols * C; xp != row_end; wp += C, xp += C) {
      const std::uint32_t wv = load4(wp), xv = load4(xp);
      const std::int32_t w02 = __sxtb16(wv), w13 = sxtb16_ror8(wv);
      const std::int32_t x02 = __sxtab16(off2, xv), x13 = sxtab16_ror8(off2, xv);
      a0 = __smlabb(w02, x02, a0);
      a1 = __smlabb(w13, x13, a1);
      a2 = __smlatt(w02, x02, a2);
      a3 = __smlatt(w13, x13, a3);
    }
  }
  acc[0] += a0;
  acc[1] += a1;
  acc[2] += a2;
  acc[3] += a3;
}

// Two weight rows against two input columns (a 2 x 2 block of a matrix multiply, as CMSIS-NN's
// arm_nn_mat_mult_nt_t_s8 blocks): each input word is widened once for both rows, each weight word
// once for both columns. Four accumulators, the widened words and three pointers fill the M4's 14
// free registers; inlined into the layer's loop, so its requantization follows with acc in registers.
// The asm loops below: Step runs N / 4 times, twice per iteration where N % 8 == 0 (one subs/bne
// per 32 MACs instead of 16). n holds N / 4 on entry.
#define CTML_DOT_LOOP(Step, Operands)                                                     \
  if constexpr (N % 8 == 0) {                                                             \
    n = N / 8;                                                                            \
    asm volatile("1:\n\t" Step Step "subs %[n], %[n], #1\n\tbne 1b" Operands);            \
  } else {                                                                                \
    asm volatile("1:\n\t" Step "subs %[n], %[n], #1\n\tbne 1b" Operands);                 \
  }
template <std::size_t N, std::size_t WStride, std::size_t XStride>
[[gnu::always_inline]] inline acc4 dot_2x2_s8_dsp(const std::int8_t* w, const std::int8_t* x, std::int32_t offset,
                                                  acc4 a) noexcept {
  // ("J": an LDR offset, -4095..4095; "I" would be an ALU immediate, which 300 is not)
  static_assert(WStride < 4096 && XStride < 4096, "ctml: dot_2x2_s8 strides must fit an LDR immediate");
  const std::int32_t off2 = static_cast<std::int32_t>((static_cast<std::uint32_t>(offset) & 0xffffu) * 0x00010001u);
  if constexpr (N >= 4) {
    // In asm: in C++ GCC -Os kept the pointers on the stack and indexed from them (34 instructions
    // per 16 MACs instead of 21). 14 registers: 4 sums, 6 widened words, 2 pointers, a count, the offset.
    std::uint32_t n = N / 4, xa, xa1, xb, xb1, v, v1;
#define CTML_DOT_2X2_STEP \
        "ldr %[xb], [%[x], %[xs]]\n\t" \
        "ldr %[xa], [%[x]], #4\n\t" \
        "sxtab16 %[xb1], %[off], %[xb], ror #8\n\t" \
        "sxtab16 %[xb], %[off], %[xb]\n\t" \
        "sxtab16 %[xa1], %[off], %[xa], ror #8\n\t" \
        "sxtab16 %[xa], %[off], %[xa]\n\t" \
        "ldr %[v], [%[w], %[ws]]\n\t" \
        "sxtb16 %[v1], %[v], ror #8\n\t" \
        "sxtb16 %[v], %[v]\n\t" \
        "smlad %[a10], %[v], %[xa], %[a10]\n\t" \
        "smlad %[a10], %[v1], %[xa1], %[a10]\n\t" \
        "smlad %[a11], %[v], %[xb], %[a11]\n\t" \
        "smlad %[a11], %[v1], %[xb1], %[a11]\n\t" \
        "ldr %[v], [%[w]], #4\n\t" \
        "sxtb16 %[v1], %[v], ror #8\n\t" \
        "sxtb16 %[v], %[v]\n\t" \
        "smlad %[a00], %[v], %[xa], %[a00]\n\t" \
        "smlad %[a00], %[v1], %[xa1], %[a00]\n\t" \
        "smlad %[a01], %[v], %[xb], %[a01]\n\t" \
        "smlad %[a01], %[v1], %[xb1], %[a01]\n\t"
#define CTML_DOT_2X2_OPERANDS \
        : [a00] "+r"(a.a00), [a01] "+r"(a.a01), [a10] "+r"(a.a10), [a11] "+r"(a.a11), [x] "+r"(x), [w] "+r"(w), \
          [n] "+r"(n), [xa] "=&r"(xa), [xa1] "=&r"(xa1), [xb] "=&r"(xb), [xb1] "=&r"(xb1), [v] "=&r"(v), [v1] "=&r"(v1) \
        : [off] "r"(off2), [xs] "J"(XStride), [ws] "J"(WStride) \
        : "cc", "memory"
    CTML_DOT_LOOP(CTML_DOT_2X2_STEP, CTML_DOT_2X2_OPERANDS)
#undef CTML_DOT_2X2_STEP
#undef CTML_DOT_2X2_OPERANDS
  }
  for (std::size_t i = 0; i < N % 4; ++i) {
    const std::int32_t u = x[i] + offset, t = x[XStride + i] + offset;
    a.a00 += w[i] * u;
    a.a01 += w[i] * t;
    a.a10 += w[WStride + i] * u;
    a.a11 += w[WStride + i] * t;
  }
  return a;
}

// A whole KH x KW window (no tap clipped) over four channels, unrolled: every load has a constant
// offset, so no pointer steps and no call (the depthwise 3 x 3 specialisation; CMSIS-NN's
// arm_depthwise_conv_3x3_s8 specialises the same case).
template <std::size_t KH, std::size_t KW, std::size_t C, std::size_t WRow, std::size_t XRow>
[[gnu::always_inline]] inline acc4 window4_full_s8_dsp(const std::int8_t* w, const std::int8_t* x,
                                                       std::int32_t offset) noexcept {
  const std::int32_t off2 = static_cast<std::int32_t>((static_cast<std::uint32_t>(offset) & 0xffffu) * 0x00010001u);
  std::int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
#pragma GCC unroll 16
  for (std::size_t r = 0; r < KH; ++r)
#pragma GCC unroll 16
    for (std::size_t c = 0; c < KW; ++c) {
      const std::uint32_t wv = load4(w + r * WRow + c * C), xv = load4(x + r * XRow + c * C);
      const std::int32_t w02 = __sxtb16(wv), w13 = sxtb16_ror8(wv);
      const std::int32_t x02 = __sxtab16(off2, xv), x13 = sxtab16_ror8(off2, xv);
      a0 = __smlabb(w02, x02, a0);
      a1 = __smlabb(w13, x13, a1);
      a2 = __smlatt(w02, x02, a2);
      a3 = __smlatt(w13, x13, a3);
    }
  return acc4{a0, a1, a2, a3};
}

// Four weight rows (Stride apart) against one input vector with no offset (dense: the zero point is
// in the bias): each input word widened once for the four rows. In asm for the same reason as
// dot_2x2_s8_dsp; 11 registers.
template <std::size_t N, std::size_t Stride>
[[gnu::always_inline]] inline acc4 dot_4x1_s8_dsp(const std::int8_t* w, const std::int8_t* x) noexcept {
  static_assert(3 * Stride < 4096, "ctml: dot_4x1_s8 strides must fit an LDR immediate");
  acc4 a{0, 0, 0, 0};
  if constexpr (N >= 4) {
    std::uint32_t n = N / 4, xv, x13, v, v1;
#define CTML_DOT_4X1_STEP \
        "ldr %[xv], [%[x]], #4\n\t" \
        "sxtb16 %[x13], %[xv], ror #8\n\t" \
        "sxtb16 %[xv], %[xv]\n\t" \
        "ldr %[v], [%[w], %[s1]]\n\t" \
        "sxtb16 %[v1], %[v], ror #8\n\t" \
        "sxtb16 %[v], %[v]\n\t" \
        "smlad %[a1], %[v], %[xv], %[a1]\n\t" \
        "smlad %[a1], %[v1], %[x13], %[a1]\n\t" \
        "ldr %[v], [%[w], %[s2]]\n\t" \
        "sxtb16 %[v1], %[v], ror #8\n\t" \
        "sxtb16 %[v], %[v]\n\t" \
        "smlad %[a2], %[v], %[xv], %[a2]\n\t" \
        "smlad %[a2], %[v1], %[x13], %[a2]\n\t" \
        "ldr %[v], [%[w], %[s3]]\n\t" \
        "sxtb16 %[v1], %[v], ror #8\n\t" \
        "sxtb16 %[v], %[v]\n\t" \
        "smlad %[a3], %[v], %[xv], %[a3]\n\t" \
        "smlad %[a3], %[v1], %[x13], %[a3]\n\t" \
        "ldr %[v], [%[w]], #4\n\t" \
        "sxtb16 %[v1], %[v], ror #8\n\t" \
        "sxtb16 %[v], %[v]\n\t" \
        "smlad %[a0], %[v], %[xv], %[a0]\n\t" \
        "smlad %[a0], %[v1], %[x13], %[a0]\n\t"
#define CTML_DOT_4X1_OPERANDS \
        : [a0] "+r"(a.a00), [a1] "+r"(a.a01), [a2] "+r"(a.a10), [a3] "+r"(a.a11), [x] "+r"(x), [w] "+r"(w), \
          [n] "+r"(n), [xv] "=&r"(xv), [x13] "=&r"(x13), [v] "=&r"(v), [v1] "=&r"(v1) \
        : [s1] "J"(Stride), [s2] "J"(2 * Stride), [s3] "J"(3 * Stride) \
        : "cc", "memory"
    CTML_DOT_LOOP(CTML_DOT_4X1_STEP, CTML_DOT_4X1_OPERANDS)
#undef CTML_DOT_4X1_STEP
#undef CTML_DOT_4X1_OPERANDS
  }
  for (std::size_t i = 0; i < N % 4; ++i) {
    a.a00 += w[i] * x[i];
    a.a01 += w[Stride + i] * x[i];
    a.a10 += w[2 * Stride + i] * x[i];
    a.a11 += w[3 * Stride + i] * x[i];
  }
  return a;
}
#undef CTML_DOT_LOOP
#endif

#if defined(CTML_SCALAR_ROWS)
// RISC-V rv32imc and Cortex-M0 (no SIMD): each input byte is loaded and offset once for all rows,
// the row sums kept in registers (the unroll pragma), one multiply and add per tap and row. With
// it the kernels take the offset-in-dot structure (no weight sums, padded taps skipped): digits
// CNN 299 k -> 187 k instructions on RISC-V, 378 k -> 261 k on the M0; DS-CNN 43.5 M -> 22.8 M
// on RISC-V.
template <std::size_t Rows, std::size_t Stride>
[[gnu::noinline]] void dot_rows_s8_scalar(const std::int8_t* w, const std::int8_t* x, std::size_t n,
                                          std::int32_t offset, std::int32_t* out) noexcept {
  std::int32_t acc[Rows] = {};
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t xv = x[i] + offset;
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) acc[r] += static_cast<std::int32_t>(w[r * Stride + i]) * xv;
  }
#pragma GCC unroll 8
  for (std::size_t r = 0; r < Rows; ++r) out[r] += acc[r];
}
#endif

#if defined(CTML_MVE)
// Cortex-M55 (Helium, MVE integer): 16 taps per VMLADAVA (sum of the 16 lane products added to a
// scalar accumulator), the tail under a VCTP8 predicate (inactive lanes load 0 and are not read).
// The input offset is added as offset * sum(w) (VADDVA), the same integer as the sum of
// w * (x + offset): the partial sums are in 32-bit two's complement (VMLADAVA wraps, the
// combination is done in uint32), so the total is exact wherever it fits int32, which codegen
// bounds. tests/target/dot_firmware.cpp checks every kernel against the portable loops.
template <bool WeightSum>
inline dot_result dot_s8_mve(const std::int8_t* w, const std::int8_t* x, std::size_t n) noexcept {
  std::int32_t acc = 0, wsum = 0;
  for (std::size_t i = 0; i < n; i += 16) {
    const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(n - i));
    const int8x16_t wv = vldrbq_z_s8(w + i, p);
    acc = vmladavaq_s8(acc, wv, vldrbq_z_s8(x + i, p));
    if constexpr (WeightSum) wsum = vaddvaq_s8(wsum, wv);
  }
  return dot_result{acc, wsum};
}

template <std::size_t Rows, std::size_t Stride>
[[gnu::noinline]] void dot_rows_s8_mve(const std::int8_t* w, const std::int8_t* x, std::size_t n,
                                       std::int32_t offset, std::int32_t* out) noexcept {
  std::int32_t acc[Rows] = {}, wsum[Rows] = {};
  for (std::size_t i = 0; i < n; i += 16) {
    const mve_pred16_t p = vctp8q(static_cast<std::uint32_t>(n - i));
    const int8x16_t xv = vldrbq_z_s8(x + i, p);
#pragma GCC unroll 8
    for (std::size_t r = 0; r < Rows; ++r) {
      const int8x16_t wv = vldrbq_z_s8(w + r * Stride + i, p);
      acc[r] = vmladavaq_s8(acc[r], wv, xv);
      wsum[r] = vaddvaq_s8(wsum[r], wv);
    }
  }
#pragma GCC unroll 8
  for (std::size_t r = 0; r < Rows; ++r)
    out[r] = static_cast<std::int32_t>(static_cast<std::uint32_t>(out[r]) + static_cast<std::uint32_t>(acc[r]) +
                                       static_cast<std::uint32_t>(offset) * static_cast<std::uint32_t>(wsum[r]));
}
#endif
}  // namespace detail

// Whether dot_rows_s8 adds the input offset for free (Cortex-M4/M7/M33/M55; on RISC-V and the M0
// once per input byte for all rows): then a convolution can skip
// padded taps without a weight sum. Elsewhere the offset costs an addition per tap, and kernels
// keep dot_s8<true>'s weight sum. CTML_OFFSET_IN_DOT overrides it: the host tests run the
// Cortex-M4 kernel structure through the portable twins below (tests/host/CMakeLists.txt).
#if defined(CTML_OFFSET_IN_DOT)
inline constexpr bool offset_in_dot = CTML_OFFSET_IN_DOT;
#elif (defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)) || defined(CTML_SCALAR_ROWS)
inline constexpr bool offset_in_dot = true;
#else
inline constexpr bool offset_in_dot = false;
#endif

// out[r] += sum over i < n of w[r * Stride + i] * (x[i] + offset), r < Rows. w in flash, x in RAM;
// |x + offset| <= 255 (offset = -zp_in), so each product fits SMLAD's 16-bit lanes.
template <std::size_t Rows, std::size_t Stride>
[[gnu::always_inline]] constexpr void dot_rows_s8(const std::int8_t* w, const std::int8_t* x,
                                                  std::size_t n, std::int32_t offset, std::int32_t* out) noexcept {
#if defined(CTML_MVE)
  if (!std::is_constant_evaluated()) return detail::dot_rows_s8_mve<Rows, Stride>(w, x, n, offset, out);
#endif
#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
  if (!std::is_constant_evaluated()) return detail::dot_rows_s8_dsp<Rows, Stride>(w, x, n, offset, out);
#endif
#if defined(CTML_SCALAR_ROWS)
  if (!std::is_constant_evaluated()) return detail::dot_rows_s8_scalar<Rows, Stride>(w, x, n, offset, out);
#endif
  for (std::size_t r = 0; r < Rows; ++r)
    for (std::size_t i = 0; i < n; ++i)
      out[r] += static_cast<std::int32_t>(flash_read(&w[r * Stride + i])) * (x[i] + offset);
}

// acc[2 * r + j] += sum over i < N of w[r * WStride + i] * (x[j * XStride + i] + offset), r, j < 2:
// two output channels (weight rows) by two pixels (input columns) of a convolution as a matrix
// multiply. w in flash, x in RAM; |x + offset| <= 255.
template <std::size_t N, std::size_t WStride, std::size_t XStride>
[[gnu::always_inline]] constexpr detail::acc4 dot_2x2_s8(const std::int8_t* w, const std::int8_t* x,
                                                          std::int32_t offset) noexcept {
#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
  if (!std::is_constant_evaluated()) return detail::dot_2x2_s8_dsp<N, WStride, XStride>(w, x, offset, {0, 0, 0, 0});
#endif
  std::int32_t acc[4] = {0, 0, 0, 0};
  for (std::size_t r = 0; r < 2; ++r)
    for (std::size_t j = 0; j < 2; ++j)
      for (std::size_t i = 0; i < N; ++i)
        acc[2 * r + j] += static_cast<std::int32_t>(flash_read(&w[r * WStride + i])) * (x[j * XStride + i] + offset);
  return detail::acc4{acc[0], acc[1], acc[2], acc[3]};
}

// Sums of four weight rows (r * Stride + i, i < N) times x: a00, a01, a10, a11 for rows 0..3.
template <std::size_t N, std::size_t Stride>
[[gnu::always_inline]] constexpr detail::acc4 dot_4x1_s8(const std::int8_t* w, const std::int8_t* x) noexcept {
#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
  if (!std::is_constant_evaluated()) return detail::dot_4x1_s8_dsp<N, Stride>(w, x);
#endif
  std::int32_t acc[4] = {0, 0, 0, 0};
  for (std::size_t r = 0; r < 4; ++r)
    for (std::size_t i = 0; i < N; ++i) acc[r] += static_cast<std::int32_t>(flash_read(&w[r * Stride + i])) * x[i];
  return detail::acc4{acc[0], acc[1], acc[2], acc[3]};
}

// A depthwise window over four channels: acc[k] += sum over a rows x cols grid of taps of
// w[tap + k] * (x[tap + k] + offset), k < 4, tap (r, c) at r * WRow + c * C in w and r * XRow + c * C
// in x (C: the channel count, the step between taps in both). On Cortex-M4/M7: two word loads per
// tap, SXTB16/SXTAB16 into lanes and SMLABB/SMLATT per channel (the lanes hold different
// channels, so SMLAD's pair sum does not apply), as CMSIS-NN's arm_depthwise_conv_s8_opt.
template <std::size_t C, std::size_t WRow, std::size_t XRow>
[[gnu::always_inline]] constexpr void window4_s8(const std::int8_t* w, const std::int8_t* x, std::size_t rows,
                                                 std::size_t cols, std::int32_t offset, std::int32_t* acc) noexcept {
#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
  if (!std::is_constant_evaluated()) return detail::window4_s8_dsp<C, WRow, XRow>(w, x, rows, cols, offset, acc);
#endif
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c)
      for (std::size_t k = 0; k < 4; ++k)
        acc[k] += static_cast<std::int32_t>(flash_read(&w[r * WRow + c * C + k])) * (x[r * XRow + c * C + k] + offset);
}

// window4_s8 over a whole KH x KW window (acc[k] = the sum, k < 4), unrolled on Cortex-M4/M7.
template <std::size_t KH, std::size_t KW, std::size_t C, std::size_t WRow, std::size_t XRow>
[[gnu::always_inline]] constexpr detail::acc4 window4_full_s8(const std::int8_t* w, const std::int8_t* x,
                                                              std::int32_t offset) noexcept {
#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
  if (!std::is_constant_evaluated()) return detail::window4_full_s8_dsp<KH, KW, C, WRow, XRow>(w, x, offset);
#endif
  std::int32_t acc[4] = {0, 0, 0, 0};
  window4_s8<C, WRow, XRow>(w, x, KH, KW, offset, acc);
  return detail::acc4{acc[0], acc[1], acc[2], acc[3]};
}

// w points into flash (CTML_FLASH), x into RAM; n terms. With WeightSum, also the sum of w.
template <bool WeightSum = false>
[[gnu::always_inline]] constexpr dot_result dot_s8(const std::int8_t* w, const std::int8_t* x, std::size_t n) noexcept {
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__) && !defined(__AVR_HAVE_ELPM__)
  if (!std::is_constant_evaluated()) {
    std::int32_t wsum = 0;
    const std::int32_t acc = avr::dot_s8<WeightSum>(w, x, n, wsum);
    return dot_result{acc, wsum};
  }
#endif
#if defined(CTML_MVE)
  if (!std::is_constant_evaluated()) return detail::dot_s8_mve<WeightSum>(w, x, n);
#endif
#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SIMD32)
  if (!std::is_constant_evaluated()) return detail::dot_s8_dsp<WeightSum>(w, x, n);
#endif
  return detail::dot_s8_portable<WeightSum>(w, x, n);
}

// sum of w[i] * x[i], i < n, for int8/int16 weights w in flash and int8/int16 inputs x in RAM:
// the integer linear models' and kernel machines' dot product. The caller proves |sum| < 2^31
// (linear::detail::accumulator_fits). On AVR the loops of dot_avr.hpp; elsewhere plain C++.
template <class W, class X>
[[gnu::always_inline]] constexpr std::int32_t dot_int(const W* w, const X* x, std::size_t n) noexcept {
  static_assert(std::is_integral_v<W> && std::is_integral_v<X> && std::is_signed_v<W> && std::is_signed_v<X> &&
                    sizeof(W) <= 2 && sizeof(X) <= 2,
                "ctml: dot_int takes int8/int16 weights and inputs");
#if defined(__AVR__) && defined(__AVR_HAVE_MUL__) && !defined(__AVR_HAVE_ELPM__)
  if (!std::is_constant_evaluated() && n > 0) {
    if constexpr (sizeof(W) == 1 && sizeof(X) == 1) {
      std::int32_t unused;
      return avr::dot_s8<false>(w, x, n, unused);
    } else if constexpr (sizeof(W) == 1) {
      return avr::dot_w8_x16(w, x, static_cast<std::uint16_t>(n));
    } else if constexpr (sizeof(X) == 1) {
      return avr::dot_w16_x8(w, x, static_cast<std::uint16_t>(n));
    } else {
      return avr::dot_w16_x16(w, x, static_cast<std::uint16_t>(n));
    }
  }
#endif
  // Unsigned wrap-around sums: the same int32 as the exact sum whenever the caller's bound holds,
  // and no signed overflow (UB) in a constant expression either way.
  std::uint32_t acc = 0;
  for (std::size_t i = 0; i < n; ++i)
    acc += static_cast<std::uint32_t>(static_cast<std::int32_t>(flash_read(&w[i])) * static_cast<std::int32_t>(x[i]));
  return static_cast<std::int32_t>(acc);
}

}  // namespace ctml::platform
