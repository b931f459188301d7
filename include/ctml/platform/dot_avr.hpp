// AVR dot products of weights in flash (read by `lpm Z+`) with inputs in RAM (`ld X+`), int8 or
// int16 each, into an int32: the inner loop of linear models, kernel machines, naive Bayes and the
// dense and conv layers on the ATmega328P. clang-16 lowers these sums to __mulhisi3/__mulsi3 calls
// or to ~40 cycles a term; the hardware multiplier (mul/muls/mulsu, 2 cycles) and three to eight
// adds do them in 11 (int8 x int8), 20 (int16 x int8) and 32 (int16 x int16) cycles a term:
//  - the sign of a 16-bit product is the carry the multiply leaves (bit 15), so `sbc e, e` is the
//    whole sign extension (1 cycle, where `mov, lsl, sbc` took 3);
//  - int8 x int8 sums run 24 bits wide in chunks of at most 255 terms (|w x| <= 2^14, so a chunk's
//    |sum| < 2^22), a byte add less per term; the chunk is then sign-extended once;
//  - the loop is unrolled four terms deep (int8 x int8), so its counter costs one cycle a term.
// Atmel application note AVR201 ("Using the AVR hardware multiplier") for the partial products.
// Only for AVRs with mul and without elpm (flash beyond 64 KB would need RAMPZ).
#pragma once
#include <cstddef>
#include <cstdint>

namespace ctml::platform::avr {

#if defined(__AVR__) && defined(__AVR_HAVE_MUL__) && !defined(__AVR_HAVE_ELPM__)
inline constexpr bool has_dot = true;

// One int8 x int8 term into the 24-bit sum lo:hi (hi one byte).
#define CTML_DOT_S8_TERM                                                                            \
  "lpm %[w], Z+\n\tld %[x], X+\n\tmuls %[w], %[x]\n\tsbc %[e], %[e]\n\tadd %A[lo], r0\n\tadc %B[lo], r1\n\t" \
  "adc %[hi], %[e]\n\t"
// The same, also adding w to the 16-bit weight sum s (zero register z).
#define CTML_DOT_S8_TERM_WSUM                                                                       \
  CTML_DOT_S8_TERM "add %A[s], %[w]\n\tadc %B[s], %[z]\n\tsbrc %[w], 7\n\tdec %B[s]\n\t"

// sum of w[i] * x[i], i < n, 1 <= n <= 255 (|sum| < 2^22: 24 bits hold it); with WeightSum also
// sum of w[i] (|sum| <= 128 * 255 fits 16 bits). w and x advance past the terms.
template <bool WeightSum>
[[gnu::always_inline]] inline std::int32_t dot_s8_chunk(const std::int8_t*& w, const std::int8_t*& x, std::uint8_t n,
                                                        std::int16_t& wsum) noexcept {
  std::uint16_t lo = 0;
  std::uint8_t hi = 0, rem, zero;
  std::int8_t wv, xv, ext;
  if constexpr (WeightSum) {
    asm volatile(
        "clr %[z]\n\tmov %[r], %[n]\n\tandi %[r], 3\n\tbreq 2f\n"
        "1:\n\t" CTML_DOT_S8_TERM_WSUM "dec %[r]\n\tbrne 1b\n"
        "2:\n\tlsr %[n]\n\tlsr %[n]\n\tbreq 4f\n"
        "3:\n\t" CTML_DOT_S8_TERM_WSUM CTML_DOT_S8_TERM_WSUM CTML_DOT_S8_TERM_WSUM CTML_DOT_S8_TERM_WSUM
        "dec %[n]\n\tbrne 3b\n"
        "4:\n\tclr r1"
        : [lo] "+r"(lo), [hi] "+r"(hi), [s] "+r"(wsum), [n] "+r"(n), [r] "=&d"(rem), [w] "=&d"(wv), [x] "=&d"(xv),
          [e] "=&r"(ext), [z] "=&r"(zero), "+z"(w), "+x"(x)
        :
        : "r0", "memory");
  } else {
    (void)zero;
    asm volatile(
        "mov %[r], %[n]\n\tandi %[r], 3\n\tbreq 2f\n"
        "1:\n\t" CTML_DOT_S8_TERM "dec %[r]\n\tbrne 1b\n"
        "2:\n\tlsr %[n]\n\tlsr %[n]\n\tbreq 4f\n"
        "3:\n\t" CTML_DOT_S8_TERM CTML_DOT_S8_TERM CTML_DOT_S8_TERM CTML_DOT_S8_TERM "dec %[n]\n\tbrne 3b\n"
        "4:\n\tclr r1"
        : [lo] "+r"(lo), [hi] "+r"(hi), [n] "+r"(n), [r] "=&d"(rem), [w] "=&d"(wv), [x] "=&d"(xv), [e] "=&r"(ext),
          "+z"(w), "+x"(x)
        :
        : "r0", "memory");
  }
  // Sign-extend the 24-bit sum.
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::int8_t>(hi)) << 16 | lo);
}
// A convolution window: `rows` runs of n terms, w and x stepping w_skip and x_skip bytes between
// runs, with the weight sum; rows * n <= 255 (24-bit sum, 16-bit weight sum), n >= 1. One call a
// window where a dot_s8 call a row cost its set-up three times (digits CNN, 3 x 3 kernels).
[[gnu::always_inline]] inline std::int32_t window_s8(const std::int8_t* w, const std::int8_t* x, std::uint8_t rows,
                                                     std::uint8_t n, std::uint16_t w_skip, std::uint16_t x_skip,
                                                     std::int16_t& wsum) noexcept {
  std::uint16_t lo = 0;
  std::uint8_t hi = 0, rem, blocks, zero;
  std::int8_t wv, xv, ext;
  asm volatile(
      "clr %[z]\n"
      "5:\n\tmov %[r], %[n]\n\tandi %[r], 3\n\tbreq 2f\n"
      "1:\n\t" CTML_DOT_S8_TERM_WSUM "dec %[r]\n\tbrne 1b\n"
      "2:\n\tmov %[b], %[n]\n\tlsr %[b]\n\tlsr %[b]\n\tbreq 4f\n"
      "3:\n\t" CTML_DOT_S8_TERM_WSUM CTML_DOT_S8_TERM_WSUM CTML_DOT_S8_TERM_WSUM CTML_DOT_S8_TERM_WSUM
      "dec %[b]\n\tbrne 3b\n"
      "4:\n\tadd r30, %A[ws]\n\tadc r31, %B[ws]\n\tadd r26, %A[xs]\n\tadc r27, %B[xs]\n\t"
      "dec %[rows]\n\tbreq 6f\n\trjmp 5b\n"  // the loop is beyond brne's 64 words
      "6:\n\tclr r1"
      : [lo] "+r"(lo), [hi] "+r"(hi), [s] "+r"(wsum), [rows] "+r"(rows), [r] "=&d"(rem), [b] "=&r"(blocks),
        [w] "=&d"(wv), [x] "=&d"(xv), [e] "=&r"(ext), [z] "=&r"(zero), "+z"(w), "+x"(x)
      : [n] "r"(n), [ws] "r"(w_skip), [xs] "r"(x_skip)
      : "r0", "memory");
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::int8_t>(hi)) << 16 | lo);
}
// The same window of w * (x + 128), for an input zero point of -128 (every ReLU output TFLite's
// scheme quantizes): x + 128 is x's bit pattern with the top bit flipped, an unsigned byte, so a
// term is one `mulsu` with no weight sum (12 cycles where the weight sum made it 15), and a padded
// tap (x = -128) adds 0 whether or not it is skipped. rows * n <= 255: |sum| <= 255 * 128 * 255 < 2^23.
#define CTML_DOT_U8_TERM                                                                            \
  "lpm %[w], Z+\n\tld %[x], X+\n\tsubi %[x], 0x80\n\tmulsu %[w], %[x]\n\tsbc %[e], %[e]\n\t"             \
  "add %A[lo], r0\n\tadc %B[lo], r1\n\tadc %[hi], %[e]\n\t"
[[gnu::always_inline]] inline std::int32_t window_s8_offset128(const std::int8_t* w, const std::int8_t* x,
                                                               std::uint8_t rows, std::uint8_t n, std::uint16_t w_skip,
                                                               std::uint16_t x_skip) noexcept {
  std::uint16_t lo = 0;
  std::uint8_t hi = 0, rem, blocks;
  std::int8_t wv, xv, ext;
  asm volatile(
      "5:\n\tmov %[r], %[n]\n\tandi %[r], 3\n\tbreq 2f\n"
      "1:\n\t" CTML_DOT_U8_TERM "dec %[r]\n\tbrne 1b\n"
      "2:\n\tmov %[b], %[n]\n\tlsr %[b]\n\tlsr %[b]\n\tbreq 4f\n"
      "3:\n\t" CTML_DOT_U8_TERM CTML_DOT_U8_TERM CTML_DOT_U8_TERM CTML_DOT_U8_TERM "dec %[b]\n\tbrne 3b\n"
      "4:\n\tadd r30, %A[ws]\n\tadc r31, %B[ws]\n\tadd r26, %A[xs]\n\tadc r27, %B[xs]\n\t"
      "dec %[rows]\n\tbreq 6f\n\trjmp 5b\n"
      "6:\n\tclr r1"
      : [lo] "+r"(lo), [hi] "+r"(hi), [rows] "+r"(rows), [r] "=&d"(rem), [b] "=&r"(blocks), [w] "=&a"(wv),
        [x] "=&a"(xv), [e] "=&r"(ext), "+z"(w), "+x"(x)
      : [n] "r"(n), [ws] "r"(w_skip), [xs] "r"(x_skip)
      : "r0", "memory");
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::int8_t>(hi)) << 16 | lo);
}
#undef CTML_DOT_U8_TERM
#undef CTML_DOT_S8_TERM
#undef CTML_DOT_S8_TERM_WSUM

template <bool WeightSum>
[[gnu::always_inline]] inline std::int32_t dot_s8(const std::int8_t* w, const std::int8_t* x, std::size_t n,
                                                  std::int32_t& wsum_out) noexcept {
  std::int16_t s = 0;
  if (n < 256) {  // every conv row (static_assert in conv2d.hpp) and most dense layers: one chunk
    const std::int32_t acc = n > 0 ? dot_s8_chunk<WeightSum>(w, x, static_cast<std::uint8_t>(n), s) : 0;
    wsum_out = s;
    return acc;
  }
  std::int32_t acc = 0, wsum = 0;
  for (; n > 0; n -= n > 255 ? 255 : n) {
    s = 0;
    acc += dot_s8_chunk<WeightSum>(w, x, static_cast<std::uint8_t>(n > 255 ? 255 : n), s);
    wsum += s;
  }
  wsum_out = wsum;
  return acc;
}

// int16 inputs times int8 weights: w * x = w * xl (signed by unsigned, at byte 0) + w * xh (signed,
// at byte 1). 20 cycles a term plus the counter.
[[gnu::always_inline]] inline std::int32_t dot_w8_x16(const std::int8_t* w, const std::int16_t* x, std::uint16_t n) noexcept {
  std::uint16_t lo = 0, hi = 0;
  std::int8_t wv, ext;
  std::uint8_t xl, xh;
  asm volatile(
      "1:\n\tlpm %[w], Z+\n\tld %[xl], X+\n\tld %[xh], X+\n\t"
      "mulsu %[w], %[xl]\n\tsbc %[e], %[e]\n\tadd %A[lo], r0\n\tadc %B[lo], r1\n\tadc %A[hi], %[e]\n\tadc %B[hi], %[e]\n\t"
      "muls %[w], %[xh]\n\tsbc %[e], %[e]\n\tadd %B[lo], r0\n\tadc %A[hi], r1\n\tadc %B[hi], %[e]\n\t"
      "sbiw %[n], 1\n\tbrne 1b\n\tclr r1"
      : [lo] "+r"(lo), [hi] "+r"(hi), [n] "+w"(n), [w] "=&a"(wv), [xl] "=&a"(xl), [xh] "=&a"(xh), [e] "=&r"(ext), "+z"(w),
        "+x"(x)
      :
      : "r0", "memory");
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(hi) << 16 | lo);
}

// int8 inputs times int16 weights: the same partial products with the roles swapped.
[[gnu::always_inline]] inline std::int32_t dot_w16_x8(const std::int16_t* w, const std::int8_t* x, std::uint16_t n) noexcept {
  std::uint16_t lo = 0, hi = 0;
  std::int8_t xv, ext;
  std::uint8_t wl, wh;
  asm volatile(
      "1:\n\tlpm %[wl], Z+\n\tlpm %[wh], Z+\n\tld %[x], X+\n\t"
      "mulsu %[x], %[wl]\n\tsbc %[e], %[e]\n\tadd %A[lo], r0\n\tadc %B[lo], r1\n\tadc %A[hi], %[e]\n\tadc %B[hi], %[e]\n\t"
      "muls %[x], %[wh]\n\tsbc %[e], %[e]\n\tadd %B[lo], r0\n\tadc %A[hi], r1\n\tadc %B[hi], %[e]\n\t"
      "sbiw %[n], 1\n\tbrne 1b\n\tclr r1"
      : [lo] "+r"(lo), [hi] "+r"(hi), [n] "+w"(n), [wl] "=&a"(wl), [wh] "=&a"(wh), [x] "=&a"(xv), [e] "=&r"(ext), "+z"(w),
        "+x"(x)
      :
      : "r0", "memory");
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(hi) << 16 | lo);
}

// int16 x int16: xl*wl (unsigned, byte 0), xh*wl and wh*xl (signed by unsigned, byte 1), xh*wh
// (signed, byte 2). 32 cycles a term plus the counter. The caller's bound keeps |sum| < 2^31.
[[gnu::always_inline]] inline std::int32_t dot_w16_x16(const std::int16_t* w, const std::int16_t* x, std::uint16_t n) noexcept {
  std::uint16_t lo = 0, hi = 0;
  std::uint8_t wl, wh, xl, xh, ext, zero;
  asm volatile(
      "clr %[z]\n"
      "1:\n\tlpm %[wl], Z+\n\tlpm %[wh], Z+\n\tld %[xl], X+\n\tld %[xh], X+\n\t"
      "mul %[xl], %[wl]\n\tadd %A[lo], r0\n\tadc %B[lo], r1\n\tadc %A[hi], %[z]\n\tadc %B[hi], %[z]\n\t"
      "mulsu %[xh], %[wl]\n\tsbc %[e], %[e]\n\tadd %B[lo], r0\n\tadc %A[hi], r1\n\tadc %B[hi], %[e]\n\t"
      "mulsu %[wh], %[xl]\n\tsbc %[e], %[e]\n\tadd %B[lo], r0\n\tadc %A[hi], r1\n\tadc %B[hi], %[e]\n\t"
      "muls %[xh], %[wh]\n\tadd %A[hi], r0\n\tadc %B[hi], r1\n\t"
      "sbiw %[n], 1\n\tbrne 1b\n\tclr r1"
      : [lo] "+r"(lo), [hi] "+r"(hi), [n] "+w"(n), [wl] "=&a"(wl), [wh] "=&a"(wh), [xl] "=&a"(xl), [xh] "=&a"(xh),
        [e] "=&r"(ext), [z] "=&r"(zero), "+z"(w), "+x"(x)
      :
      : "r0", "memory");
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(hi) << 16 | lo);
}
// Unrolled int8 x int8 terms with the weights as instruction immediates (`ldi`, 1 cycle, where
// `lpm` takes 3) and the input read by `ldd Z+J` (J < 64): 9 cycles a term, 12 bytes of code. The
// 24-bit sum lo:hi lives in registers between statements; r1 is cleared once per statement, so
// four terms share one statement. Codegen's weights are static: a caller lists the nonzero ones.
#define CTML_MAC_IMM(k)                                                                             \
  "ldd %[x], Z+%[j" #k "]\n\tldi %[w], %[w" #k "]\n\tmuls %[x], %[w]\n\tsbc %[e], %[e]\n\t"              \
  "add %A[lo], r0\n\tadc %B[lo], r1\n\tadc %[hi], %[e]\n\t"
template <unsigned J0, unsigned W0, unsigned J1, unsigned W1, unsigned J2, unsigned W2, unsigned J3, unsigned W3>
[[gnu::always_inline]] inline void mac4_s8_imm(const std::int8_t* z, std::uint16_t& lo, std::uint8_t& hi) noexcept {
  std::int8_t xv, wv, ext;
  asm volatile(CTML_MAC_IMM(0) CTML_MAC_IMM(1) CTML_MAC_IMM(2) CTML_MAC_IMM(3) "clr r1"
               : [lo] "+r"(lo), [hi] "+r"(hi), [x] "=&d"(xv), [w] "=&d"(wv), [e] "=&r"(ext)
               : "z"(z), [j0] "I"(J0), [w0] "M"(W0), [j1] "I"(J1), [w1] "M"(W1), [j2] "I"(J2), [w2] "M"(W2),
                 [j3] "I"(J3), [w3] "M"(W3)
               : "r0", "memory");
}
template <unsigned J0, unsigned W0>
[[gnu::always_inline]] inline void mac1_s8_imm(const std::int8_t* z, std::uint16_t& lo, std::uint8_t& hi) noexcept {
  std::int8_t xv, wv, ext;
  asm volatile(CTML_MAC_IMM(0) "clr r1"
               : [lo] "+r"(lo), [hi] "+r"(hi), [x] "=&d"(xv), [w] "=&d"(wv), [e] "=&r"(ext)
               : "z"(z), [j0] "I"(J0), [w0] "M"(W0)
               : "r0", "memory");
}
#undef CTML_MAC_IMM

// Unrolled int16-input terms with a constant weight W (int16) into the 32-bit sum lo:hi, the
// input x_j read by `ldd Z+Q` (Q = 2j < 63). The weight picks the form at compile time:
//  - W in [-128, 127]: x * W = (xh * W) << 8 + xl * W, two products (muls, mulsu), 18 cycles;
//  - W = wh << 8 (its low byte 0): the same two products shifted by 8, 15 cycles;
//  - any other W: the four partial products of AVR201's muls16x16_32, 29 cycles.
// clang's own code for the same sum was a call-free mul_s16_s32 per term plus 32-bit adds: ~43
// cycles a term on breast_cancer_linear_svc_int.
template <unsigned Q, int W>
[[gnu::always_inline]] inline void mac_s16_imm(const std::int16_t* z, std::uint16_t& lo, std::uint16_t& hi) noexcept {
  static_assert(Q <= 62 && Q % 2 == 0, "ctml: mac_s16_imm reads x at Z+Q, Q = 2j <= 62");
  static_assert(W >= -32768 && W <= 32767 && W != 0);
  std::uint8_t xl, xh, w, e;
  if constexpr (W >= -128 && W <= 127) {
    asm volatile("ldd %[xl], Z+%[q]\n\tldd %[xh], Z+%[q1]\n\tldi %[w], %[wv]\n\t"
                 "mulsu %[w], %[xl]\n\tsbc %[e], %[e]\n\t"
                 "add %A[lo], r0\n\tadc %B[lo], r1\n\tadc %A[hi], %[e]\n\tadc %B[hi], %[e]\n\t"
                 "muls %[xh], %[w]\n\tsbc %[e], %[e]\n\t"
                 "add %B[lo], r0\n\tadc %A[hi], r1\n\tadc %B[hi], %[e]\n\tclr r1"
                 : [lo] "+r"(lo), [hi] "+r"(hi), [xl] "=&a"(xl), [xh] "=&a"(xh), [w] "=&a"(w), [e] "=&r"(e)
                 : "z"(z), [q] "I"(Q), [q1] "I"(Q + 1), [wv] "M"(static_cast<unsigned>(W) & 0xFF)
                 : "r0", "memory");
  } else if constexpr ((W & 0xFF) == 0) {
    asm volatile("ldd %[xl], Z+%[q]\n\tldd %[xh], Z+%[q1]\n\tldi %[w], %[wv]\n\t"
                 "mulsu %[w], %[xl]\n\tsbc %[e], %[e]\n\t"
                 "add %B[lo], r0\n\tadc %A[hi], r1\n\tadc %B[hi], %[e]\n\t"
                 "muls %[xh], %[w]\n\t"
                 "add %A[hi], r0\n\tadc %B[hi], r1\n\tclr r1"
                 : [lo] "+r"(lo), [hi] "+r"(hi), [xl] "=&a"(xl), [xh] "=&a"(xh), [w] "=&a"(w), [e] "=&r"(e)
                 : "z"(z), [q] "I"(Q), [q1] "I"(Q + 1), [wv] "M"((static_cast<unsigned>(W) >> 8) & 0xFF)
                 : "r0", "memory");
  } else {
    std::uint8_t wh, zero;
    asm volatile("ldd %[xl], Z+%[q]\n\tldd %[xh], Z+%[q1]\n\tldi %[w], %[wl]\n\tldi %[wh], %[whv]\n\tclr %[z]\n\t"
                 "mul %[xl], %[w]\n\tadd %A[lo], r0\n\tadc %B[lo], r1\n\tadc %A[hi], %[z]\n\tadc %B[hi], %[z]\n\t"
                 "mulsu %[xh], %[w]\n\tsbc %[e], %[e]\n\tadd %B[lo], r0\n\tadc %A[hi], r1\n\tadc %B[hi], %[e]\n\t"
                 "mulsu %[wh], %[xl]\n\tsbc %[e], %[e]\n\tadd %B[lo], r0\n\tadc %A[hi], r1\n\tadc %B[hi], %[e]\n\t"
                 "muls %[xh], %[wh]\n\tadd %A[hi], r0\n\tadc %B[hi], r1\n\tclr r1"
                 : [lo] "+r"(lo), [hi] "+r"(hi), [xl] "=&a"(xl), [xh] "=&a"(xh), [w] "=&a"(w), [wh] "=&a"(wh),
                   [e] "=&r"(e), [z] "=&r"(zero)
                 : "z"(z), [q] "I"(Q), [q1] "I"(Q + 1), [wl] "M"(static_cast<unsigned>(W) & 0xFF),
                   [whv] "M"((static_cast<unsigned>(W) >> 8) & 0xFF)
                 : "r0", "memory");
  }
}

#else
inline constexpr bool has_dot = false;
#endif

}  // namespace ctml::platform::avr
