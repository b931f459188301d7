// libFuzzer target: ctml::learn::restore of every learner's state from arbitrary bytes. Byte 0
// picks the learner; with its top bit clear the next sizeof(state) bytes become the state inside a
// record with the right header and CRC (so every field combination reaches restore's checks), with
// it set the bytes are the whole record (header and CRC checks). A refused record must leave the
// learner byte for byte as it was; an accepted one must be valid() and then keep every property
// of tests/fuzz/learners.hpp while the remaining bytes are fed to it as samples.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <ctml/learn/persist.hpp>

#include "learners.hpp"

namespace {

[[noreturn]] void fail(const char* where, const char* what) {
  std::fprintf(stderr, "ctml fuzz: %s: %s\n", where, what);
  std::abort();
}

template <class L>
struct runner {
  static void run(bool whole_record, const std::uint8_t* d, std::size_t n) {
    constexpr std::uint8_t tag = 42;
    constexpr std::size_t size = ctml::learn::record_size<L>;
    // The learner before: trained on a fixed little stream, so that "unchanged" is not just zeros.
    L s{};
    if constexpr (requires { s.alpha; }) s.alpha = 0.25f;
    {
      const std::uint8_t warm[] = {3, 1, 250, 7, 9, 128, 64, 33, 1, 0, 5, 200, 17, 99, 1, 2, 3, 4, 5, 6, 7, 8};
      const std::uint8_t* w = warm;
      std::size_t wn = sizeof warm;
      while (wn > 0) ctml_fuzz::driver<L>::step(s, w, wn);
    }
    std::vector<std::uint8_t> record(size);
    std::size_t used;
    if (whole_record) {
      used = n < size ? n : size;
      std::memcpy(record.data(), d, used);
      if (n < size) record.resize(n);
    } else {
      ctml::learn::save<tag>(s, record.data());  // header and layout of a real record
      used = n < sizeof(L) ? n : sizeof(L);
      std::memcpy(record.data() + 8, d, used);
      const std::uint32_t crc = ctml::learn::crc32(record.data(), size - 4);
      for (int k = 0; k < 4; ++k) record[size - 4 + k] = static_cast<std::uint8_t>(crc >> (8 * k));
    }
    d += used;
    n -= used;
    std::vector<std::uint8_t> before(sizeof(L));
    std::memcpy(before.data(), &s, sizeof(L));
    const auto status = ctml::learn::restore<tag>(s, record.data(), record.size());
    if (status != ctml::learn::restore_status::ok) {
      if (std::memcmp(before.data(), &s, sizeof(L)) != 0) fail(__PRETTY_FUNCTION__, "a refused record changed the learner");
      return;
    }
    if (!s.valid()) fail(__PRETTY_FUNCTION__, "restore accepted a state valid() refuses");
    for (int k = 0; n > 0 && k < 256; ++k) {
      ctml_fuzz::driver<L>::step(s, d, n);
      if (const char* f = ctml_fuzz::driver<L>::check(s)) fail(__PRETTY_FUNCTION__, f);
      if (!s.valid()) fail(__PRETTY_FUNCTION__, "an update of a restored state left one valid() refuses");
    }
  }
};

constexpr auto learners = ctml_fuzz::table<runner>(ctml_fuzz::learners{});

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  learners[(data[0] & 0x7F) % learners.size()]((data[0] & 0x80) != 0, data + 1, size - 1);
  return 0;
}
