// tinyOL: a trainable head on a frozen digits network that never saw the digit 9 learns the 9 from a
// stream, measured on held-out data against the frameworks: the MLP's own accuracy on the digits it
// knows, and scikit-learn's batch one-vs-rest LogisticRegression on the same int8 embeddings (both
// computed by examples/make_tinyol.py, not by ctml).
#include <catch2/catch.hpp>

#include <cstdio>

#include <ctml/core/budget.hpp>
#include <ctml/learn/persist.hpp>
#include <ctml/learn/tinyol.hpp>

#include "digits_frozen9.hpp"
#include "digits_tinyol_stream.hpp"
#include "digits_tinyol_stream_small.hpp"

using stream = ctml_models::digits_tinyol_stream;
// LrShift 7 (rate 2^-7 halving every 1024 updates): chosen by measurement on this stream; 5 and 6
// learn the 9 as well but let the head predict a 9 now and then before it has seen one.
using model = ctml::learn::tinyol<ctml_models::digits_frozen9, ctml_models::digits_frozen9_embedding, 10, 7>;

namespace {
template <class S>
constexpr model::input_type row(const std::int8_t (&r)[S::n_features]) {
  model::input_type x{};
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = r[j];
  return x;
}

struct scores {
  std::size_t right_known = 0, n_known = 0, right_new = 0, n_new = 0;
  double known() const { return static_cast<double>(right_known) / static_cast<double>(n_known); }
  double recall() const { return static_cast<double>(right_new) / static_cast<double>(n_new); }
  double overall() const {
    return static_cast<double>(right_known + right_new) / static_cast<double>(n_known + n_new);
  }
};

template <class S>
scores evaluate(const model& m) {
  scores s;
  for (std::size_t i = 0; i < S::n_test; ++i) {
    const bool is_new = S::test_y[i] == S::new_class;
    const bool right = m.predict(row<S>(S::test_x[i])) == S::test_y[i];
    (is_new ? s.n_new : s.n_known) += 1;
    (is_new ? s.right_new : s.right_known) += right;
  }
  return s;
}

// The deployment: a head trained on the known digits only (one pass, the 9s skipped), then the
// whole stream, 9s included, passes times.
template <class S>
void learn_known(model& m) {
  for (std::size_t i = 0; i < S::n_train; ++i)
    if (S::train_y[i] != S::new_class) m.update(row<S>(S::train_x[i]), S::train_y[i]);
}
template <class S>
void learn_all(model& m, int passes) {
  for (int p = 0; p < passes; ++p)
    for (std::size_t i = 0; i < S::n_train; ++i) m.update(row<S>(S::train_x[i]), S::train_y[i]);
}
}  // namespace

TEST_CASE("tinyOL learns a digit the frozen network never saw, close to batch LogisticRegression", "[learn][tinyol]") {
  static model m;
  learn_known<stream>(m);
  const scores before = evaluate<stream>(m);
  learn_all<stream>(m, 2);
  const scores after = evaluate<stream>(m);
  std::printf("tinyOL on digits_frozen9: before the 9s: recall on 9 %.4f, known digits %.4f (frozen MLP %.4f)\n"
              "after: recall on 9 %.4f (batch %.4f), known digits %.4f, overall %.4f (batch %.4f)\n",
              before.recall(), before.known(), static_cast<double>(stream::frozen_known_accuracy), after.recall(),
              static_cast<double>(stream::batch_recall_new), after.known(), after.overall(),
              static_cast<double>(stream::batch_accuracy));
  CHECK(before.n_new == stream::n_test_new);
  CHECK(before.right_new == 0);  // a class it has not seen is never predicted
  // Measured: 42/47 = 0.894 (batch 0.915); overall 0.944 (batch 0.951); known 0.950 (MLP 0.968).
  CHECK(after.recall() >= 0.85);
  CHECK(after.overall() >= stream::batch_accuracy - 0.02);
  CHECK(after.known() >= stream::frozen_known_accuracy - 0.03);
}

TEST_CASE("tinyOL on the AVR subset of the stream", "[learn][tinyol]") {
  using small = ctml_models::digits_tinyol_stream_small;
  static model m;
  learn_known<small>(m);
  CHECK(evaluate<small>(m).right_new == 0);
  learn_all<small>(m, 3);
  const scores after = evaluate<small>(m);
  std::printf("tinyOL on the subset: recall on 9 %zu/%zu, overall %.4f (batch %.4f)\n", after.right_new, after.n_new,
              after.overall(), static_cast<double>(small::batch_accuracy));
  // Measured: 10/11 and 0.970 (batch 0.950), on 240 training samples.
  CHECK(after.recall() >= 0.8);
  CHECK(after.overall() >= small::batch_accuracy - 0.03);
}

TEST_CASE("tinyOL's footprint is a compile-time constant; the head survives a save and restore", "[learn][tinyol][persist]") {
  static_assert(sizeof(model) == model::head_type::ram_bytes, "the object is the head's state");
  static_assert(model::ram_bytes == ctml_models::digits_frozen9::ram_bytes + 32 + 10 * 33 * 4 + 4);
  static_assert(model::flash_bytes == ctml_models::digits_frozen9::flash_bytes);
  static_assert(ctml::fits<model, 32768, 2048>(), "fits an ATmega328P");
  static model m, r;
  learn_all<stream>(m, 1);
  static std::uint8_t buf[ctml::learn::record_size<model::head_type>];
  ctml::learn::save<11>(m.head, buf);
  REQUIRE(ctml::learn::restore<11>(r.head, buf, sizeof buf) == ctml::learn::restore_status::ok);
  CHECK(r.head.w == m.head.w);
  CHECK(r.head.bias == m.head.bias);
  CHECK(r.head.t == m.head.t);
  for (std::size_t i = 0; i < stream::n_test; ++i)
    REQUIRE(r.predict(row<stream>(stream::test_x[i])) == m.predict(row<stream>(stream::test_x[i])));
  buf[20] ^= 1;
  model fresh;
  CHECK(ctml::learn::restore<11>(fresh.head, buf, sizeof buf) == ctml::learn::restore_status::corrupt);
  CHECK(fresh.head.w == model{}.head.w);
}

TEST_CASE("tinyOL runs in a constant expression", "[learn][tinyol]") {
  // One step on a 9 from the zero state: the 9's unit moves up and every other unit down.
  static_assert([] {
    model m;
    const auto x = row<stream>(stream::test_x[0]);
    m.update(x, 9);
    return m.predict(x) == 9 && m.head.t == 1;
  }());
  // The embedding codes are the network's int8 outputs minus the zero point (a ReLU: never negative).
  static_assert([] {
    const auto x = row<stream>(stream::test_x[1]);
    const auto q = ctml_models::digits_frozen9::logits(x);
    const auto e = model::embed(x);
    for (std::size_t i = 0; i < e.size(); ++i)
      if (e[i] != q[i] + 128) return false;
    return true;
  }());
  SUCCEED();
}
