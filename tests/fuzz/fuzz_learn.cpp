// libFuzzer target: every on-device learner (tests/fuzz/learners.hpp) fed an arbitrary sample
// stream. Byte 0 picks the learner, the next bytes its settings where it has any, the rest are its
// samples (every bit pattern: NaN, infinities, huge finite floats, integer limits, any label).
// After every update the state must be valid() and the outputs finite; ASan and UBSan abort on
// any undefined behaviour.
#include <cstdio>
#include <cstdlib>

#include "learners.hpp"

namespace {

template <class L>
struct runner {
  static void run(const std::uint8_t* d, std::size_t n) {
    L s = ctml_fuzz::make<L>(d, n);
    const bool settings_ok = s.valid();  // an ewma alpha or a threshold the stream chose
    for (int k = 0; n > 0 && k < 4096; ++k) {
      ctml_fuzz::driver<L>::step(s, d, n);
      const char* f = ctml_fuzz::driver<L>::check(s);
      if (!f && settings_ok && !s.valid()) f = "an update left a state valid() refuses";
      if (f) {
        std::fprintf(stderr, "ctml fuzz: %s after update %d: %s\n", __PRETTY_FUNCTION__, k, f);
        std::abort();
      }
    }
  }
};

constexpr auto learners = ctml_fuzz::table<runner>(ctml_fuzz::learners{});

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  learners[data[0] % learners.size()](data + 1, size - 1);
  return 0;
}
