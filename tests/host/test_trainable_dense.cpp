// The trainable dense layer (tinyOL's head) learns a multi-class problem from a stream as well as
// scikit-learn's batch one-vs-rest LogisticRegression, and learns a class it has never seen.
#include <catch2/catch.hpp>

#include <cstdio>

#include <ctml/learn/persist.hpp>
#include <ctml/learn/trainable_dense.hpp>

#include "digits_stream.hpp"

using stream = ctml_models::digits_stream;
using layer = ctml::learn::trainable_dense<stream::n_features, stream::n_classes, std::uint8_t, 4>;

namespace {
layer::input_type row(const std::uint8_t (&r)[stream::n_features]) {
  layer::input_type x{};
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = r[j];
  return x;
}

// Held-out accuracy over the samples whose label passes keep().
template <class Keep>
double accuracy(const layer& m, Keep keep) {
  std::size_t right = 0, n = 0;
  for (std::size_t i = 0; i < stream::n_test; ++i) {
    if (!keep(stream::test_y[i])) continue;
    ++n;
    right += m.predict(row(stream::test_x[i])) == stream::test_y[i];
  }
  return static_cast<double>(right) / static_cast<double>(n);
}
constexpr auto all = [](std::uint8_t) { return true; };
}  // namespace

TEST_CASE("the trainable dense layer gets within 3 points of batch one-vs-rest LogisticRegression", "[learn]") {
  static layer m;
  for (int epoch = 0; epoch < 3; ++epoch)
    for (std::size_t i = 0; i < stream::n_train; ++i) m.update(row(stream::train_x[i]), stream::train_y[i]);
  const double acc = accuracy(m, all);
  std::printf("trainable dense on digits pixels: held-out accuracy %.4f, batch %.4f\n", acc,
              static_cast<double>(stream::batch_accuracy));
  CHECK(acc >= stream::batch_accuracy - 0.03);
}

TEST_CASE("the trainable dense layer learns a class that appears only later in the stream", "[learn]") {
  static layer m;
  constexpr std::uint8_t late = 9;
  for (std::size_t i = 0; i < stream::n_train; ++i)
    if (stream::train_y[i] != late) m.update(row(stream::train_x[i]), stream::train_y[i]);
  const double before = accuracy(m, [](std::uint8_t y) { return y == late; });
  CHECK(before == 0.0);  // never seen, never predicted
  for (std::size_t i = 0; i < stream::n_train; ++i) m.update(row(stream::train_x[i]), stream::train_y[i]);
  const double after = accuracy(m, [](std::uint8_t y) { return y == late; });
  const double overall = accuracy(m, all);
  std::printf("late class %d: recall %.4f before, %.4f after; overall %.4f\n", late, before, after, overall);
  CHECK(after >= 0.8);
  CHECK(overall >= stream::batch_accuracy - 0.05);
}

TEST_CASE("the layer's footprint is its state, and it survives a save and restore", "[learn][persist]") {
  static_assert(layer::ram_bytes == sizeof(layer), "ram_bytes is the layer's whole state");
  static_assert(ctml::learn::trainable_dense<8, 3, std::int8_t, 5, 4, 2>::ram_bytes ==
                sizeof(ctml::learn::trainable_dense<8, 3, std::int8_t, 5, 4, 2>));
  static layer m, r;
  for (std::size_t i = 0; i < 200; ++i) m.update(row(stream::train_x[i]), stream::train_y[i]);
  static std::uint8_t buf[ctml::learn::record_size<layer>];
  ctml::learn::save<7>(m, buf);
  REQUIRE(ctml::learn::restore<7>(r, buf, sizeof buf) == ctml::learn::restore_status::ok);
  CHECK(r.w == m.w);
  CHECK(r.bias == m.bias);
  CHECK(accuracy(r, all) == accuracy(m, all));
}

TEST_CASE("extreme inputs and labels saturate instead of overflowing", "[learn]") {
  using wide = ctml::learn::trainable_dense<4, 3, std::int16_t, 1, 0, 2>;
  static wide m;
  const wide::input_type big{32767, -32768, 32767, -32768};
  for (int i = 0; i < 2000; ++i) m.update(big, static_cast<std::uint8_t>(i % 3));
  CHECK(m.predict(big) < 3);
  const wide before = m;
  m.update(big, 3);  // not a class: ignored
  CHECK(m.w == before.w);
  CHECK(m.t == before.t);
}
