// On-device learning run: online logistic regression trained on the breast-cancer stream (three
// passes), every update timed between target_begin/target_end, then held-out accuracy and a
// CRC-32 of the learned state, which must be the same on host, AVR and Cortex-M.
// Exit status 0 when the accuracy is within 3 points of scikit-learn's batch LogisticRegression.
#include <cstdint>

#include "target.h"

#include <ctml/learn/online_logistic.hpp>
#include <ctml/learn/persist.hpp>
#include <ctml/platform/flash.hpp>

#include "breast_cancer_stream.hpp"

using stream = ctml_models::breast_cancer_stream;
using learner = ctml::learn::online_logistic<stream::n_features>;

namespace {
template <class Rows>
std::array<std::int8_t, stream::n_features> row(const Rows& r, std::size_t i) {
  std::array<std::int8_t, stream::n_features> x{};
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = ctml::platform::flash_read(&r[i][j]);
  return x;
}
learner model;  // static: its RAM shows in the image's .bss, where the harness reads it
}  // namespace

int main() {
  target_init();
  for (int epoch = 0; epoch < 3; ++epoch) {
    for (std::size_t i = 0; i < stream::n_train; ++i) {
      const auto x = row(stream::train_x, i);
      const auto y = ctml::platform::flash_read(&stream::train_y[i]);
      target_begin();
      asm volatile("" : : "r"(x.data()) : "memory");
      model.update(x, y);
      asm volatile("" : : : "memory");
      target_end();
    }
  }
  unsigned long right = 0;
  for (std::size_t i = 0; i < stream::n_test; ++i)
    right += model.predict(row(stream::test_x, i)) == ctml::platform::flash_read(&stream::test_y[i]);
  std::uint8_t state[sizeof(learner)];
  __builtin_memcpy(state, &model, sizeof state);
  target_puts("learner online logistic regression, breast cancer\ncorrect ");
  target_put_int(static_cast<long>(right));
  target_putc('/');
  target_put_int(static_cast<long>(stream::n_test));
  target_puts("\nstate_crc ");
  target_put_int(static_cast<long>(ctml::learn::crc32(state, sizeof state) & 0x7FFFFFFF));
  target_puts("\nram_bytes ");
  target_put_int(static_cast<long>(learner::ram_bytes));
  target_puts("\nstack_peak ");
  target_put_int(static_cast<long>(target_stack_peak()));
  target_putc('\n');
  // Within 3 points of the batch accuracy, compared in integers: right/n >= batch - 0.03.
  const long need = static_cast<long>((stream::batch_accuracy - 0.03f) * stream::n_test + 0.999f);
  target_exit(static_cast<long>(right) >= need ? 0 : 1);
}
