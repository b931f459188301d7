// libFuzzer target: inference of every family (tests/fuzz/model_list.hpp) on arbitrary bytes.
// Byte 0 picks the model and the path: even, the bytes are the model's input as it is (every bit
// pattern: NaN, infinities, denormals, integer codes' limits); odd, they are floats handed to the
// model's quantizer first. predict, predict_proba, decision_function, score_samples and the
// log-likelihoods must keep the properties of tests/fuzz/properties.hpp; ASan and UBSan abort on
// any undefined behaviour.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "model_list.hpp"

namespace m = ctml_models;

namespace {

void fail(const char* model, const char* what) {
  std::fprintf(stderr, "ctml fuzz: %s: %s\n", model, what);
  std::abort();
}

template <class M, bool Proba>
void run(const char* name, float bound, const std::uint8_t* data, std::size_t size) {
  const auto x = ctml_props::from_bytes<typename M::input_type>(data, size);
  if (const ctml_props::failure f = ctml_props::check<M, Proba>(x, bound)) fail(name, f);
}

template <class M, bool Proba, class Q>
void run_quantized(const char* name, Q quantize, const std::uint8_t* data, std::size_t size) {
  const auto f = ctml_props::from_bytes<std::array<float, M::n_features>>(data, size);
  if (const ctml_props::failure e = ctml_props::check<M, Proba>(quantize(f), FLT_MAX)) fail(name, e);
}

using runner = void (*)(const std::uint8_t*, std::size_t);

#define CTML_RUN_MODEL(name, bound, proba) \
  [](const std::uint8_t* d, std::size_t n) { run<m::name, proba>(#name, bound, d, n); },
constexpr runner raw[] = {CTML_PROPERTY_MODELS(CTML_RUN_MODEL)};
#undef CTML_RUN_MODEL

#define CTML_RUN_QUANTIZED(name, proba)                                                                     \
  [](const std::uint8_t* d, std::size_t n) {                                                                \
    run_quantized<m::name, proba>(#name, [](const auto& f) { return m::name##_info::quantize(f); }, d, n); \
  },
constexpr runner quantized[] = {CTML_QUANTIZED_MODELS(CTML_RUN_QUANTIZED)};
#undef CTML_RUN_QUANTIZED

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const unsigned pick = data[0] >> 1;
  if (data[0] & 1) quantized[pick % std::size(quantized)](data + 1, size - 1);
  else raw[pick % std::size(raw)](data + 1, size - 1);
  return 0;
}
