// One measurement firmware per model and layout, the same source for host, AVR and Cortex-M.
// For every test vector it times predict() between target_begin/target_end, prints the answer
// ("p <i> <answer>"), and counts exact agreement with the reference framework's answer.
// A network with a final softmax then times probabilities() on the first 30 vectors (regions after
// the predict regions) and compares every code with the numpy reference's (expected_proba).
// Exit status: 1 when a voting classifier disagrees on any sample, else 0 (boosted sums and
// real values have a tolerance, checked on the host in tests/host/test_trees.cpp, and their
// printed answers are compared across targets by bench/harness.py).
//
// Built with -DCTML_MODEL=<name> -DCTML_LAYOUT=<unrolled|table> -DCTML_VECTORS=<struct name>.
#include <bit>
#include <cstdint>
#include <type_traits>

#include "target.h"

#define CTML_STR2(x) #x
#define CTML_STR(x) CTML_STR2(x)
#define CTML_CAT2(a, b) a##b
#define CTML_CAT(a, b) CTML_CAT2(a, b)
#include CTML_STR(CTML_MODEL.hpp)
#include CTML_STR(CTML_CAT(CTML_MODEL, _vectors).hpp)

#include <ctml/platform/flash.hpp>

using model = ctml_models::CTML_CAT(CTML_MODEL, _t)<ctml::layout::CTML_LAYOUT>;
using vectors = ctml_models::CTML_VECTORS;

// The board's flash and the firmware's stack (tests/target/CMakeLists.txt, from the toolchain
// file): the model must fit them by its own footprint constants, checked at compile time.
#if defined(CTML_BOARD_FLASH) && defined(CTML_BOARD_RAM)
#include <ctml/core/budget.hpp>
static_assert(ctml::fits<model, CTML_BOARD_FLASH, CTML_BOARD_RAM>());
#endif

namespace {

// The answer as an integer to print: a class index, or a float's bit pattern, so that the
// runs on different targets can be compared exactly.
template <class T>
long printable(T v) {
  if constexpr (std::is_floating_point_v<T>) return static_cast<long>(std::bit_cast<std::int32_t>(v));
  else return static_cast<long>(v);
}

template <class V>
constexpr bool has_classes = requires { V::expected_class[0]; };

template <class V, class A>
bool agrees(std::size_t i, A answer) {
  if constexpr (has_classes<V>) return static_cast<long>(answer) == static_cast<long>(ctml::platform::flash_read(&V::expected_class[i]));
  else return false;
}

template <class V>
bool correct(std::size_t i, long answer) {
  if constexpr (requires { V::truth[0]; }) return answer == static_cast<long>(ctml::platform::flash_read(&V::truth[i]));
  else return false;
}

template <class M>
constexpr bool votes = requires { typename M::vote_type; };

// Integer networks compute the numpy reference's answer exactly on every target.
template <class M>
constexpr bool exact = requires { requires M::bit_exact; };

}  // namespace

#if defined(CTML_LAYER_MARKS)
// The per-layer profile's marks (ctml/nn/network.hpp): the counting plugin records each entry.
extern "C" [[gnu::noinline]] void ctml_layer_mark(void) { asm volatile("" ::: "memory"); }
#endif

// The model's code as one symbol, so the harness can measure its flash with nm.
extern "C" [[gnu::noinline]] typename model::output_type ctml_infer(const typename model::input_type& x) {
  return model::predict(x);
}

// With CTML_CHECK_OUTPUTS, an integer network's whole output tensor is compared with the numpy
// reference's (V::expected_output), outside the measured region: a class alone says little for
// an autoencoder's 640 outputs.
template <class M, class V>
bool outputs_exact(std::size_t i, const typename M::input_type& x) {
#if defined(CTML_CHECK_OUTPUTS)
  if constexpr (exact<M> && requires { V::expected_output[0][0]; }) {
    const auto y = M::logits(x);
    for (std::size_t k = 0; k < M::n_outputs; ++k)
      if (y[k] != ctml::platform::flash_read(&V::expected_output[i][k])) return false;
  }
#else
  (void)i, (void)x;
#endif
  return true;
}

// A network's final softmax, timed on its own regions: the cost of probabilities over predict.
template <class M>
constexpr bool has_proba = requires { requires M::has_softmax; };

template <class M>
[[gnu::noinline]] typename M::logits_type ctml_proba(const typename M::input_type& x) {
  return M::probabilities(x);
}

template <class M, class V>
bool proba_runs() {
  if constexpr (has_proba<M> && requires { V::expected_proba[0][0]; }) {
    constexpr std::size_t n = V::n_samples < 30 ? V::n_samples : 30;
    unsigned long same = 0;
    for (std::size_t i = 0; i < n; ++i) {
      typename M::input_type x{};
      for (std::size_t j = 0; j < M::n_features; ++j) x[j] = ctml::platform::flash_read(&V::inputs[i][j]);
      target_begin();
      asm volatile("" : : "r"(x.data()) : "memory");
      const auto y = ctml_proba<M>(x);
      asm volatile("" : : "r"(y.data()) : "memory");
      target_end();
      bool ok = true;
      for (std::size_t k = 0; k < M::n_outputs; ++k) ok = ok && y[k] == ctml::platform::flash_read(&V::expected_proba[i][k]);
      same += ok;
    }
    target_puts("proba_exact ");
    target_put_int(static_cast<long>(same));
    target_putc('/');
    target_put_int(static_cast<long>(n));
    target_putc('\n');
    return same == n;
  } else {
    return true;
  }
}

template <class M>
constexpr std::size_t arena_of() {
  if constexpr (requires { M::arena_bytes; }) return M::arena_bytes;
  else return 0;
}

int main() {
  target_init();
  unsigned long agree = 0, right = 0, exact_outputs = 0;
  for (std::size_t i = 0; i < vectors::n_samples; ++i) {
    typename model::input_type x{};
    for (std::size_t j = 0; j < model::n_features; ++j) x[j] = ctml::platform::flash_read(&vectors::inputs[i][j]);
    target_begin();
    asm volatile("" : : "r"(x.data()) : "memory");  // inputs are (re)read inside the region
    const auto answer = ctml_infer(x);
    asm volatile("" : : "g"(answer) : "memory");    // and the answer is complete before it ends
    target_end();
    target_puts("p ");
    target_put_int(static_cast<long>(i));
    target_putc(' ');
    target_put_int(printable(answer));
    target_putc('\n');
    agree += agrees<vectors>(i, answer);
    right += correct<vectors>(i, static_cast<long>(answer));
    exact_outputs += outputs_exact<model, vectors>(i, x);
  }
  target_puts("agree ");
  target_put_int(static_cast<long>(agree));
  target_putc('/');
  target_put_int(static_cast<long>(vectors::n_samples));
  target_puts("\ncorrect ");
  target_put_int(static_cast<long>(right));
#if defined(CTML_CHECK_OUTPUTS)
  target_puts("\noutputs_exact ");
  target_put_int(static_cast<long>(exact_outputs));
  target_putc('/');
  target_put_int(static_cast<long>(vectors::n_samples));
#endif
  target_puts("\nram_bytes ");
  target_put_int(static_cast<long>(model::ram_bytes));
  target_puts("\nflash_bytes ");
  target_put_int(static_cast<long>(model::flash_bytes));
  target_puts("\ncode_bytes ");  // the code part of flash_bytes (estimated, platform/code_size.hpp)
  target_put_int(static_cast<long>(model::code_bytes));
  if (arena_of<model>() > 0) {  // networks: the planned activation arena
    target_puts("\narena_bytes ");
    target_put_int(static_cast<long>(arena_of<model>()));
  }
  target_putc('\n');
#if defined(CTML_LAYER_MARKS)
  if constexpr (requires { model::shapes; }) {  // each layer's output shape, for the per-layer table
    for (std::size_t i = 1; i < model::shapes.size(); ++i) {
      target_puts("layer_out ");
      target_put_int(static_cast<long>(model::shapes[i].h));
      target_putc(' ');
      target_put_int(static_cast<long>(model::shapes[i].w));
      target_putc(' ');
      target_put_int(static_cast<long>(model::shapes[i].c));
      target_putc('\n');
    }
  }
#endif
  const bool proba_ok = proba_runs<model, vectors>();
  target_puts("stack_peak ");
  target_put_int(static_cast<long>(target_stack_peak()));
  target_putc('\n');
  // Voting classifiers and int8 networks must agree on every sample; boosted sums may differ within a tolerance.
  constexpr bool must_agree = votes<model> || exact<model>;
  target_exit((!must_agree || agree == vectors::n_samples) && exact_outputs == vectors::n_samples && proba_ok ? 0 : 1);
}
