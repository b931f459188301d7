// The iris classifier on the target: predicts every held-out sample and checks each answer against
// XGBoost's own (iris_vectors.hpp, written by ctml_add_model from XGBoost's predictions).
#include <array>
#include <cstddef>

#include <ctml/platform/flash.hpp>
#include "iris.hpp"
#include "iris_vectors.hpp"
#include "target.h"

using model = ctml_models::iris;
using vectors = ctml_models::iris_vectors;

int main() {
  target_init();
  std::size_t agree = 0;
  for (std::size_t i = 0; i < vectors::n_samples; ++i) {
    std::array<float, model::n_features> x{};
    for (std::size_t j = 0; j < x.size(); ++j) x[j] = ctml::platform::flash_read(&vectors::inputs[i][j]);
    const auto cls = model::predict(x);
    agree += static_cast<std::size_t>(cls) == ctml::platform::flash_read(&vectors::expected_class[i]);
  }
  target_puts("iris: ");
  target_put_int(static_cast<long>(agree));
  target_puts(" of ");
  target_put_int(static_cast<long>(vectors::n_samples));
  target_puts(" answers agree with XGBoost\n");
  target_exit(agree == vectors::n_samples ? 0 : 1);
}
