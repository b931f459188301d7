// Online logistic regression on a stream of scikit-learn's breast-cancer data reaches held-out
// accuracy within 3 points of scikit-learn's batch LogisticRegression on the same inputs.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <limits>

#include <ctml/learn/online_logistic.hpp>
#include <ctml/learn/persist.hpp>

#include "breast_cancer_stream.hpp"

using stream = ctml_models::breast_cancer_stream;
using learner = ctml::learn::online_logistic<stream::n_features>;

namespace {
std::array<std::int8_t, stream::n_features> row(const std::int8_t (&r)[stream::n_features]) {
  std::array<std::int8_t, stream::n_features> x{};
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = r[j];
  return x;
}

double held_out_accuracy(const learner& m) {
  std::size_t right = 0;
  for (std::size_t i = 0; i < stream::n_test; ++i) right += m.predict(row(stream::test_x[i])) == stream::test_y[i];
  return static_cast<double>(right) / stream::n_test;
}
}  // namespace

TEST_CASE("online logistic regression gets within 3 points of batch LogisticRegression", "[learn]") {
  learner m;
  for (int epoch = 0; epoch < 3; ++epoch)
    for (std::size_t i = 0; i < stream::n_train; ++i) m.update(row(stream::train_x[i]), stream::train_y[i]);
  const double acc = held_out_accuracy(m);
  std::printf("online logistic: held-out accuracy %.4f, batch %.4f\n", acc, static_cast<double>(stream::batch_accuracy));
  CHECK(acc >= stream::batch_accuracy - 0.03);
}

TEST_CASE("the PLAN logistic stays within 0.02 of the logistic", "[learn]") {
  for (std::int32_t z = -(8 << 16); z <= (8 << 16); z += 97) {
    const double ref = 1.0 / (1.0 + std::exp(-z / 65536.0));
    CHECK(std::fabs(ctml::learn::plan_sigmoid_q15(z) / 32768.0 - ref) < 0.02);
  }
  CHECK(ctml::learn::plan_sigmoid_q15(std::numeric_limits<std::int32_t>::min()) == 0);
  CHECK(ctml::learn::plan_sigmoid_q15(std::numeric_limits<std::int32_t>::max()) == 32768);
}

TEST_CASE("a learned model survives a save and restore", "[learn][persist]") {
  learner m;
  for (std::size_t i = 0; i < 100; ++i) m.update(row(stream::train_x[i]), stream::train_y[i]);
  std::uint8_t buf[ctml::learn::record_size<learner>];
  ctml::learn::save<1>(m, buf);
  learner r;
  REQUIRE(ctml::learn::restore<1>(r, buf, sizeof buf) == ctml::learn::restore_status::ok);
  CHECK(r.w == m.w);
  CHECK(r.t == m.t);
  CHECK(held_out_accuracy(r) == held_out_accuracy(m));
}
