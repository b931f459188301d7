// End to end on float inputs: the region is <model>_info::quantize (float -> int16 codes) plus
// predict, the work a firmware does when its features arrive as floats. bench/peer_compare.py
// sets this beside a peer's (or a plain float C baseline's) predict on the same float inputs.
// Built with -DCTML_MODEL=<integer model> -DCTML_FLOAT_VECTORS=<float model's vectors struct>.
#include <cstdint>

#include "target.h"

#define CTML_STR2(x) #x
#define CTML_STR(x) CTML_STR2(x)
#define CTML_CAT2(a, b) a##b
#define CTML_CAT(a, b) CTML_CAT2(a, b)
#include CTML_STR(CTML_MODEL.hpp)
#include CTML_STR(CTML_FLOAT_MODEL_VECTORS.hpp)

#include <ctml/platform/flash.hpp>

using model = ctml_models::CTML_CAT(CTML_MODEL, _t)<ctml::layout::unrolled>;
using vectors = ctml_models::CTML_FLOAT_VECTORS;

extern "C" [[gnu::noinline]] typename model::output_type ctml_infer_float(const std::array<float, model::n_features>& x) {
  return model::predict(ctml_models::CTML_CAT(CTML_MODEL, _info)::quantize(x));
}

int main() {
  target_init();
  unsigned long agree = 0;
  for (std::size_t i = 0; i < vectors::n_samples; ++i) {
    std::array<float, model::n_features> x{};
    for (std::size_t j = 0; j < model::n_features; ++j) x[j] = ctml::platform::flash_read(&vectors::inputs[i][j]);
    target_begin();
    asm volatile("" : : "r"(x.data()) : "memory");
    const auto answer = ctml_infer_float(x);
    asm volatile("" : : "g"(answer) : "memory");
    target_end();
    target_puts("p ");
    target_put_int(static_cast<long>(i));
    target_putc(' ');
    target_put_int(static_cast<long>(answer));
    target_putc('\n');
    agree += static_cast<long>(answer) == static_cast<long>(ctml::platform::flash_read(&vectors::expected_class[i]));
  }
  target_puts("agree ");
  target_put_int(static_cast<long>(agree));
  target_putc('/');
  target_put_int(static_cast<long>(vectors::n_samples));
  target_putc('\n');
  target_exit(0);
}
