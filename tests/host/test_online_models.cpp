// Online linear regression, perceptron and k-means on synthetic streams whose answers are known:
// regression against the least-squares solution of the same data, the perceptron on separable
// data (Novikoff: finitely many mistakes), k-means against the generating cluster means.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include <ctml/learn/kmeans.hpp>
#include <ctml/learn/online_linear.hpp>

namespace {
struct lcg {
  std::uint32_t s = 7;
  int next(int lo, int hi) {  // uniform in [lo, hi]
    s = s * 1664525u + 1013904223u;
    return lo + static_cast<int>((s >> 8) % static_cast<std::uint32_t>(hi - lo + 1));
  }
};
}  // namespace

TEST_CASE("online linear regression converges to the least-squares weights", "[learn]") {
  // y = 1.5 x0 - 0.75 x1 + 2 (+ noise), x as int8 codes of value * 32.
  lcg r;
  std::vector<std::array<std::int8_t, 2>> xs;
  std::vector<double> ys;
  for (int i = 0; i < 4000; ++i) {
    std::array<std::int8_t, 2> x{static_cast<std::int8_t>(r.next(-96, 96)), static_cast<std::int8_t>(r.next(-96, 96))};
    xs.push_back(x);
    ys.push_back(1.5 * x[0] / 32.0 - 0.75 * x[1] / 32.0 + 2.0 + r.next(-100, 100) / 1000.0);
  }
  // Least squares by the normal equations (3x3), the reference.
  long double a[3][4] = {};
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const long double f[3] = {xs[i][0] / 32.0L, xs[i][1] / 32.0L, 1.0L};
    for (int p = 0; p < 3; ++p) {
      for (int q = 0; q < 3; ++q) a[p][q] += f[p] * f[q];
      a[p][3] += f[p] * ys[i];
    }
  }
  for (int p = 0; p < 3; ++p)
    for (int q = 0; q < 3; ++q)
      if (q != p) {
        const long double m = a[q][p] / a[p][p];
        for (int c = 0; c < 4; ++c) a[q][c] -= m * a[p][c];
      }
  const double ref[3] = {static_cast<double>(a[0][3] / a[0][0]), static_cast<double>(a[1][3] / a[1][1]),
                         static_cast<double>(a[2][3] / a[2][2])};
  ctml::learn::online_linear_regression<2> m;
  for (int epoch = 0; epoch < 3; ++epoch)
    for (std::size_t i = 0; i < xs.size(); ++i) m.update(xs[i], static_cast<std::int32_t>(std::lround(ys[i] * 65536)));
  CHECK(m.w[0] / 65536.0 == Approx(ref[0]).margin(0.02));
  CHECK(m.w[1] / 65536.0 == Approx(ref[1]).margin(0.02));
  CHECK(m.bias / 65536.0 == Approx(ref[2]).margin(0.02));
}

TEST_CASE("the perceptron stops making mistakes on separable data", "[learn]") {
  lcg r;
  std::vector<std::array<std::int8_t, 3>> xs;
  std::vector<std::uint8_t> ys;
  while (xs.size() < 500) {
    std::array<std::int8_t, 3> x{static_cast<std::int8_t>(r.next(-100, 100)), static_cast<std::int8_t>(r.next(-100, 100)),
                                 static_cast<std::int8_t>(r.next(-100, 100))};
    const int s = 2 * x[0] - x[1] + x[2] - 10;
    if (s > -20 && s < 20) continue;  // a margin, so the data are separable with room
    xs.push_back(x);
    ys.push_back(s > 0);
  }
  ctml::learn::online_perceptron<3> p;
  std::uint32_t last_epoch_mistakes = 0;
  for (int epoch = 0; epoch < 200; ++epoch) {
    const auto before = p.mistakes;
    for (std::size_t i = 0; i < xs.size(); ++i) p.update(xs[i], ys[i]);
    last_epoch_mistakes = p.mistakes - before;
    if (last_epoch_mistakes == 0) break;
  }
  CHECK(last_epoch_mistakes == 0);
  std::size_t right = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) right += p.predict(xs[i]) == ys[i];
  CHECK(right == xs.size());
}

TEST_CASE("online k-means finds the means of well-separated clusters", "[learn]") {
  const int means[3][2] = {{-80, -60}, {10, 70}, {75, -20}};
  lcg r;
  ctml::learn::online_kmeans<3, 2> km;
  for (int i = 0; i < 6000; ++i) {
    const int c = i % 3;
    km.update({static_cast<std::int8_t>(means[c][0] + r.next(-15, 15)), static_cast<std::int8_t>(means[c][1] + r.next(-15, 15))});
  }
  for (const auto& m : means) {
    const std::array<std::int8_t, 2> x{static_cast<std::int8_t>(m[0]), static_cast<std::int8_t>(m[1])};
    const auto& c = km.centre[km.assign(x)];
    CHECK(c[0] / 64.0 == Approx(m[0]).margin(1.0));
    CHECK(c[1] / 64.0 == Approx(m[1]).margin(1.0));
  }
}
