// Streaming statistics and persistence (include/ctml/learn). References are computed here in
// long double, two-pass, over the same samples.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <ctml/learn/kmeans.hpp>
#include <ctml/learn/online_logistic.hpp>
#include <ctml/learn/persist.hpp>
#include <ctml/learn/sgd.hpp>
#include <ctml/learn/stats.hpp>

namespace {

// A deterministic stream: an offset plus noise, the hard case for naive sum-of-squares.
std::vector<std::int16_t> adc_stream(std::size_t n, int offset, int spread) {
  std::vector<std::int16_t> v(n);
  std::uint32_t s = 12345;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<std::int16_t>(offset + static_cast<int>((s >> 8) % (2u * spread + 1)) - spread);
  }
  return v;
}

template <class T>
void reference(const std::vector<T>& v, long double& mean, long double& var) {
  mean = 0;
  for (T x : v) mean += x;
  mean /= v.size();
  var = 0;
  for (T x : v) var += (x - mean) * (x - mean);
  var /= (v.size() - 1);
}

}  // namespace

TEST_CASE("float Welford stays accurate over 10^6 samples with a large offset", "[learn]") {
  const auto v = adc_stream(1000000, 20000, 50);
  long double mean, var;
  reference(v, mean, var);
  ctml::learn::running_stats s;
  float naive_sum = 0, naive_sq = 0;
  for (auto x : v) {
    s.update(x);
    naive_sum += x;
    naive_sq += static_cast<float>(x) * x;
  }
  CHECK(s.n == v.size());
  CHECK(std::fabs(s.mean() - mean) < 0.01);
  CHECK(std::fabs(s.variance() - var) / var < 0.01);
  // The naive formula is the failure Welford avoids: it is off by far more.
  const long double naive_var = (naive_sq - naive_sum * naive_sum / v.size()) / (v.size() - 1);
  CHECK(std::fabs(naive_var - var) / var > 0.1);
}

TEST_CASE("fixed-point Welford stays within a fraction of an input step over 10^6 samples", "[learn]") {
  const auto v = adc_stream(1000000, -3000, 700);
  long double mean, var;
  reference(v, mean, var);
  ctml::learn::running_stats_q<> s;
  for (auto x : v) s.update(x);
  CHECK(std::fabs(s.mean_value() - mean) < 0.01);
  CHECK(std::fabs(s.variance() - var) / var < 1e-3);
}

TEST_CASE("fixed-point Welford saturates instead of overflowing on full-scale input", "[learn]") {
  ctml::learn::running_stats_q<15> s;
  for (int i = 0; i < 100000; ++i) s.update(i % 2 ? std::int16_t{32767} : std::int16_t{-32768});
  CHECK(s.variance() > 1e9f);
  CHECK(std::fabs(s.mean_value()) < 1.0f);
}

TEST_CASE("EWMA in float and fixed point follow the recurrence", "[learn]") {
  const auto v = adc_stream(5000, 100, 40);
  ctml::learn::ewma f{0.125f};
  ctml::learn::ewma_q<3> q;
  long double ref = v[0];
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) ref += (v[i] - ref) / 8.0L;
    f.update(v[i]);
    q.update(v[i]);
  }
  CHECK(std::fabs(f.value - ref) < 1e-3);
  CHECK(std::fabs(q.average() - ref) < 1.0);
}

TEST_CASE("NaN and infinities are ignored by the statistics and flagged by the detector", "[learn]") {
  ctml::learn::running_stats s;
  ctml::learn::extremes<float> e;
  for (float x : {1.0f, std::numeric_limits<float>::quiet_NaN(), 3.0f, std::numeric_limits<float>::infinity()}) {
    s.update(x);
    e.update(x);
  }
  CHECK(s.n == 2);
  CHECK(s.ignored == 2);
  CHECK(s.mean() == 2.0f);
  CHECK(e.min == 1.0f);
  ctml::learn::zscore_detector d;
  CHECK(d.check(std::numeric_limits<float>::quiet_NaN()));
}

TEST_CASE("the z-score detector flags injected spikes and few normal samples", "[learn]") {
  const auto v = adc_stream(20000, 500, 30);
  ctml::learn::zscore_detector d{4.0f, 64};
  std::size_t spikes = 0, caught = 0, false_alarms = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const bool spike = i > 1000 && i % 997 == 0;
    const float x = spike ? 500.0f + 400.0f : static_cast<float>(v[i]);
    const bool flagged = d.check(x);
    spikes += spike;
    caught += spike && flagged;
    false_alarms += !spike && flagged;
  }
  CHECK(caught == spikes);
  CHECK(false_alarms == 0);  // uniform noise never reaches 4 standard deviations
}

TEST_CASE("a saved state restores exactly; short, foreign and corrupt records are rejected", "[learn][persist]") {
  ctml::learn::running_stats s;
  for (auto x : adc_stream(1000, 10, 5)) s.update(x);
  std::uint8_t buf[ctml::learn::record_size<ctml::learn::running_stats>];
  ctml::learn::save<7>(s, buf);

  ctml::learn::running_stats r;
  CHECK(ctml::learn::restore<7>(r, buf, sizeof buf) == ctml::learn::restore_status::ok);
  CHECK(r.n == s.n);
  CHECK(r.mean_shifted == s.mean_shifted);
  CHECK(r.m2 == s.m2);

  ctml::learn::running_stats untouched;
  untouched.n = 42;
  CHECK(ctml::learn::restore<7>(untouched, buf, sizeof buf - 1) == ctml::learn::restore_status::too_short);
  CHECK(ctml::learn::restore<8>(untouched, buf, sizeof buf) == ctml::learn::restore_status::foreign);
  buf[12] ^= 0x10;  // one flipped bit in the state
  CHECK(ctml::learn::restore<7>(untouched, buf, sizeof buf) == ctml::learn::restore_status::corrupt);
  CHECK(untouched.n == 42);
}

TEST_CASE("CRC-32 matches the standard check value", "[learn][persist]") {
  static constexpr std::uint8_t text[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  static_assert(ctml::learn::crc32(text, 9) == 0xCBF43926u);
  CHECK(ctml::learn::crc32(text, 9) == 0xCBF43926u);
}

TEST_CASE("the SGD rate rounds exactly like rounding_shift_right", "[learn][sgd]") {
  const std::int32_t values[] = {0, 1, -1, 2, -2, 3, -3, 7, -7, 8, -8, 12345, -12345, 65535, -65536,
                                 std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int32_t>::min(),
                                 std::numeric_limits<std::int32_t>::min() + 1};
  for (std::uint32_t t : {0u, 1u, 511u, 512u, 1536u, 100000u, 0xFFFFFFFFu}) {
    const auto r = ctml::learn::sgd::rate_at<4, 512>(t);
    REQUIRE(r.shift <= 30);
    for (std::int32_t v : values) CHECK(r.apply(v) == ctml::fixed::rounding_shift_right(v, r.shift));
  }
  const auto r0 = ctml::learn::sgd::rate_at<0, 512>(0);
  CHECK(r0.shift == 0);
  for (std::int32_t v : values) CHECK(r0.apply(v) == v);
}

TEST_CASE("the split dot product equals the 64-bit one", "[learn][sgd]") {
  std::array<std::int32_t, 100> w{};
  std::array<std::int8_t, 100> x{};
  std::array<std::uint8_t, 100> u{};
  std::uint32_t s = 12345;
  for (std::size_t i = 0; i < w.size(); ++i) {
    s = s * 1103515245u + 12345u;
    w[i] = static_cast<std::int32_t>(s);
    x[i] = static_cast<std::int8_t>(s >> 8);
    u[i] = static_cast<std::uint8_t>(s >> 16);
  }
  w[0] = std::numeric_limits<std::int32_t>::min();
  w[1] = std::numeric_limits<std::int32_t>::max();
  x[0] = -128;
  u[1] = 255;
  std::int64_t ref = 0, refu = 0;
  for (std::size_t i = 0; i < w.size(); ++i) ref += static_cast<std::int64_t>(w[i]) * x[i], refu += static_cast<std::int64_t>(w[i]) * u[i];
  const auto floor_div = [](std::int64_t a) { return (a >= 0 ? a : a - 31) >> 5; };
  const auto clamp = [](std::int64_t a) {
    return static_cast<std::int32_t>(std::clamp<std::int64_t>(a, std::numeric_limits<std::int32_t>::min(),
                                                              std::numeric_limits<std::int32_t>::max()));
  };
  CHECK(ctml::learn::sgd::dot_q16<5>(w, 7, x) == clamp(floor_div(ref) + 7));
  CHECK(ctml::learn::sgd::dot_q16<5>(w, -7, u) == clamp(floor_div(refu) - 7));
}

namespace {
// A record of `s` with one field overwritten and the CRC made right again: what someone else
// could write.
template <class S, class F>
std::vector<std::uint8_t> forged(S s, F forge) {
  std::vector<std::uint8_t> buf(ctml::learn::record_size<S>);
  ctml::learn::save<3>(s, buf.data());
  forge(buf.data() + 8);
  const std::uint32_t crc = ctml::learn::crc32(buf.data(), buf.size() - 4);
  for (int k = 0; k < 4; ++k) buf[buf.size() - 4 + k] = static_cast<std::uint8_t>(crc >> (8 * k));
  return buf;
}
}  // namespace

TEST_CASE("restore refuses a record with a right CRC whose fields are no reachable state", "[learn][persist]") {
  using ctml::learn::restore_status;
  ctml::learn::ewma e{0.5f};
  e.update(3.0f);
  ctml::learn::ewma kept{0.25f};
  kept.update(1.0f);
  // The flag byte 159 (the fuzzer's invalid bool): refused, the learner unchanged.
  auto rec = forged(e, [](std::uint8_t* b) { b[offsetof(ctml::learn::ewma, started)] = 159; });
  CHECK(ctml::learn::restore<3>(kept, rec.data(), rec.size()) == restore_status::invalid);
  CHECK(kept.alpha == 0.25f);
  CHECK(kept.value == 1.0f);
  rec = forged(e, [](std::uint8_t* b) { const float a = 2.0f; std::memcpy(b, &a, 4); });  // alpha > 1
  CHECK(ctml::learn::restore<3>(kept, rec.data(), rec.size()) == restore_status::invalid);
  rec = forged(e, [](std::uint8_t*) {});
  CHECK(ctml::learn::restore<3>(kept, rec.data(), rec.size()) == restore_status::ok);
  CHECK(kept.value == 3.0f);

  ctml::learn::running_stats_q<15> q;
  q.update(7);
  q.update(-9);
  auto far = forged(q, [](std::uint8_t* b) {
    const std::int64_t m = std::numeric_limits<std::int64_t>::min();
    std::memcpy(b + offsetof(ctml::learn::running_stats_q<15>, mean), &m, 8);
  });
  ctml::learn::running_stats_q<15> r;
  CHECK(ctml::learn::restore<3>(r, far.data(), far.size()) == restore_status::invalid);
  CHECK(r.n == 0);
  auto negative = forged(q, [](std::uint8_t* b) {
    const std::int64_t m = -1;
    std::memcpy(b + offsetof(ctml::learn::running_stats_q<15>, m2), &m, 8);
  });
  CHECK(ctml::learn::restore<3>(r, negative.data(), negative.size()) == restore_status::invalid);

  using kmeans = ctml::learn::online_kmeans<3, 2>;
  kmeans km;
  km.update({1, 2});
  auto gap = forged(km, [](std::uint8_t* b) {  // centre 0 unseeded but centre 1 seeded
    const std::uint16_t c[3] = {0, 1, 0};
    std::memcpy(b + offsetof(kmeans, count), c, sizeof c);
  });
  kmeans k2;
  CHECK(ctml::learn::restore<3>(k2, gap.data(), gap.size()) == restore_status::invalid);

  ctml::learn::online_logistic<2> lg;
  auto fast = forged(lg, [](std::uint8_t* b) {  // a momentum no gradient can build
    const std::int32_t v = std::numeric_limits<std::int32_t>::min();
    std::memcpy(b + offsetof(ctml::learn::online_logistic<2>, v), &v, 4);
  });
  ctml::learn::online_logistic<2> l2;
  CHECK(ctml::learn::restore<3>(l2, fast.data(), fast.size()) == restore_status::invalid);
}

TEST_CASE("float statistics stay finite and meaningful for huge finite samples", "[learn]") {
  constexpr float big = std::numeric_limits<float>::max();
  ctml::learn::running_stats s;
  for (int i = 0; i < 1000; ++i) s.update(i % 2 ? big : -big);
  CHECK(std::isfinite(s.mean()));
  CHECK(std::fabs(s.mean()) <= big);
  CHECK(s.variance() == big / 999.0f);  // m2 saturated at FLT_MAX: a lower bound
  ctml::learn::running_stats t;  // large but representable spread: the scaled update is exact enough
  for (int i = 0; i < 100; ++i) t.update(i % 2 ? 3e30f : 1e30f);
  CHECK(t.mean() == Approx(2e30f).epsilon(1e-5));
  CHECK(t.valid());
  // Within 2^60 the arithmetic is Welford's shifted update as before: checked against it.
  ctml::learn::running_stats u;
  float shift = 0, ms = 0, m2 = 0;
  for (int i = 1; i <= 500; ++i) {
    const float x = 1e17f * static_cast<float>((i * 37) % 11) - 3e17f;
    u.update(x);
    if (i == 1) shift = x;
    const float y = x - shift, d = y - ms;
    ms += d / static_cast<float>(i);
    m2 += d * (y - ms);
  }
  CHECK(u.mean_shifted == ms);
  CHECK(u.m2 == m2);
  ctml::learn::ewma e{0.5f};
  e.update(-big);
  e.update(big);
  CHECK(e.value == 0.0f);
  ctml::learn::zscore_detector z{3.0f, 2};
  z.check(-big);
  z.check(-big);
  CHECK(z.check(big));  // its distance to the mean overflows float: an anomaly
}
