// The code a model's inference links, estimated at compile time from the model's constants: per
// target, bytes per model, per tree, per split, per leaf, per multiply-add, per support vector...
// (code_costs), calibrated from the linker's figures of the harness firmwares (bench/harness.py
// attributes code and data by nm; DEVELOPERS.md says how a row is fitted). flash_bytes of
// every model is this code plus its constant data; --check holds it within -10%/+25% of the linker.
// codegen/ctml_codegen/emit/footprint.py holds the same table (a pytest compares them).
//
// CTML_OUTLINE_SMALL_FLASH marks a small helper that unrolled models call once per constant
// (a kernel term, a coefficient): on AVR, with 32 KB of flash, it stays a function (a call costs
// ~10 cycles, an inlined copy ~50 bytes); elsewhere the compiler decides.
#pragma once
#include <cstddef>

#if defined(__AVR__)
#define CTML_OUTLINE_SMALL_FLASH [[gnu::noinline]]
#else
#define CTML_OUTLINE_SMALL_FLASH
#endif

namespace ctml::platform {

// The instruction sets with a calibrated row. A new target adds one here, its detection in
// this_isa and its row in costs_of (fitted as DEVELOPERS.md describes).
enum class isa : unsigned char { host, avr, armv7em, armv7m };

// Calibrated: avr, armv7em (the Cortex-M4F), armv7m (the Cortex-M3). Not yet refitted on their own
// firmwares, so the harness does not hold them to the band (bench/harness.py CALIBRATED): the M7,
// M33 and M55 (DSP, hard float) use the M4's row; the M0 and RISC-V rv32imc (soft float) the M3's.
inline constexpr isa this_isa =
#if defined(__AVR__)
    isa::avr;
#elif defined(__arm__) && !defined(__linux__) && \
    (defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__))
    isa::armv7em;
#elif (defined(__arm__) || defined(__riscv)) && !defined(__linux__)
    isa::armv7m;
#else
    isa::host;
#endif

// bytes = (fixed + sum_k per[k] * unit[k]) / 16: coefficients in sixteenths of a byte. What the
// units are is the family's (see code_units in each family header):
//   forest_* unrolled: trees, (trees > 1), splits, splits * feature bytes, leaves, trees * outputs,
//                      leaf values;  table: trees, trees * outputs
//   linear*  unrolled: score rows, non-zero weights;  table: score rows
//   kernel*  unrolled: decision functions, ovo classes, sigmoid, poly, support vectors, support
//                      vector terms;  table: the same without the last two
//   knn      unrolled: training samples, sample terms;  table: none
//   bayes    unrolled: class x feature terms;  table: classes
//   median   (AdaBoostRegressor's weighted median, on top of forest_sum): trees
//   knn_weights (k-NN weights='distance', on top of knn: float weights and sums): none
//   mixture  unrolled: components, non-zero precision-root terms;  table: components
struct code_cost {
  unsigned long fixed = 0;
  unsigned long per[7] = {};
};
struct layout_costs {
  code_cost unrolled, table;
};
struct code_costs {
  layout_costs forest_vote, forest_sum, forest_path, linear, linear_float, kernel, kernel_float, knn, bayes, median, knn_weights, mixture;
  code_cost network, network_float;
};

template <isa Target>
inline constexpr code_costs costs_of = {};

// ATmega328P, clang-16 -Os (bench/results: every harness model within -10%/+25%).
template <>
inline constexpr code_costs costs_of<isa::avr> = {
    .forest_vote = {{0, {58, 27686, 0, 76, 10, 743, 0}}, {839, {2030, 0}}},
    .forest_sum = {{0, {0, 0, 0, 124, 53, 205, 136}}, {1676, {1002, 0}}},
    .forest_path = {{0, {0, 0, 0, 125, 0, 0, 0}}, {0, {1727, 0}}},
    .linear = {{0, {133, 1223}}, {5805, {739}}},
    .linear_float = {{0, {0, 735}}, {7132, {0}}},
    .kernel = {{3117, {8055, 4346, 8834, 0, 1051, 230}}, {16360, {7463, 3000, 8123, 0}}},
    .kernel_float = {{0, {7768, 0, 0, 0, 0, 976}}, {0, {16137, 4303, 0, 4659}}},
    .knn = {{0, {0, 863}}, {14765, {}}},
    .bayes = {{0, {2417}}, {0, {4875}}},
    .median = {{14400, {0}}, {14400, {0}}},
    .knn_weights = {{14400, {}}, {14400, {}}},
    .mixture = {{0, {5648, 578}}, {5136, {2928}}},
    .network = {4800, {11200}},
    .network_float = {4800, {11200}},  // not measured (no float network runs on AVR): the int8 row
};
// Cortex-M4F, arm-none-eabi-gcc 12 -Os.
template <>
inline constexpr code_costs costs_of<isa::armv7em> = {
    .forest_vote = {{0, {271, 28464, 0, 0, 77, 746, 0}}, {283, {1661, 0}}},
    .forest_sum = {{0, {0, 0, 76, 111, 0, 0, 68}}, {0, {268, 45}}},
    .forest_path = {{0, {0, 0, 0, 116, 0, 0, 0}}, {0, {1017, 0}}},
    .linear = {{253, {0, 191}}, {562, {288}}},
    .linear_float = {{0, {0, 295}}, {1038, {0}}},
    .kernel = {{0, {685, 0, 8576, 0, 109, 202}}, {6870, {99, 2242, 1406, 0}}},
    .kernel_float = {{0, {3902, 0, 0, 0, 0, 226}}, {0, {3144, 920, 0, 0}}},
    .knn = {{0, {243, 308}}, {5728, {}}},
    .bayes = {{0, {717}}, {0, {1103}}},
    .median = {{4800, {0}}, {4800, {0}}},
    .knn_weights = {{4960, {}}, {4960, {}}},
    .mixture = {{0, {2224, 231}}, {1664, {1088}}},
    .network = {1600, {5200}},
    .network_float = {800, {2560}},
};
// Cortex-M3 (soft float), arm-none-eabi-gcc 12 -Os.
template <>
inline constexpr code_costs costs_of<isa::armv7m> = {
    .forest_vote = {{0, {271, 28464, 0, 0, 77, 747, 0}}, {243, {1662, 0}}},
    .forest_sum = {{0, {0, 0, 149, 75, 0, 0, 67}}, {0, {218, 95}}},
    .forest_path = {{0, {0, 0, 0, 116, 0, 0, 0}}, {0, {1014, 0}}},
    .linear = {{311, {0, 208}}, {562, {288}}},
    .linear_float = {{0, {0, 394}}, {1176, {0}}},
    .kernel = {{0, {686, 0, 8600, 0, 108, 202}}, {6656, {171, 2170, 1615, 0}}},
    .kernel_float = {{0, {5609, 0, 0, 0, 0, 301}}, {0, {3493, 1378, 0, 0}}},
    .knn = {{0, {129, 319}}, {5680, {}}},
    .bayes = {{0, {694}}, {0, {1103}}},
    .median = {{4800, {0}}, {4800, {0}}},
    .knn_weights = {{4960, {}}, {4960, {}}},
    .mixture = {{0, {2224, 231}}, {1664, {1088}}},
    .network = {0, {3200}},
    .network_float = {0, {3200}},  // not measured (no float network runs on the M3)
};
// The host has no flash budget; its figures are the Cortex-M4's (not calibrated).
template <>
inline constexpr code_costs costs_of<isa::host> = costs_of<isa::armv7em>;

// Code bytes of cost c for the given units (rounded up).
constexpr std::size_t code_bytes(const code_cost& c, const std::size_t (&units)[7]) {
  unsigned long long s = c.fixed;
  for (std::size_t k = 0; k < 7; ++k) s += static_cast<unsigned long long>(c.per[k]) * units[k];
  return static_cast<std::size_t>((s + 15) / 16);
}
template <class... U>
constexpr std::size_t code_bytes(const code_cost& c, U... units) {
  const std::size_t u[7] = {static_cast<std::size_t>(units)...};
  return code_bytes(c, u);
}

inline constexpr const code_costs& costs = costs_of<this_isa>;

}  // namespace ctml::platform
