// Online k-means (MacQueen 1967) for clustering sensor readings on the device: each sample moves
// its nearest centre by 1/count of the way towards it, in integers. Centres are int16 in the
// input's units * 2^Frac (so small moves are kept); distances are squared, in int64. Range: any
// int8 sample; a centre moves towards the sample, never past it, so it stays in int16.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/fixed.hpp"

namespace ctml::learn {

template <std::size_t K, std::size_t D, unsigned Frac = 6>
struct online_kmeans {
  static_assert(K >= 1 && D >= 1 && Frac <= 7, "ctml: online_kmeans needs K, D >= 1 and Frac <= 7 (int8 inputs)");
  std::array<std::array<std::int16_t, D>, K> centre{};  // int8 input units * 2^Frac
  std::array<std::uint16_t, K> count{};

  static constexpr std::size_t ram_bytes = sizeof(centre) + sizeof(count);

  // The nearest centre (the first one on ties).
  constexpr std::size_t assign(const std::array<std::int8_t, D>& x) const noexcept {
    std::size_t best = 0;
    std::int64_t best_d = -1;
    for (std::size_t k = 0; k < K; ++k) {
      std::int64_t d = 0;
      for (std::size_t j = 0; j < D; ++j) {
        const std::int32_t diff = static_cast<std::int32_t>(x[j]) * (1 << Frac) - centre[k][j];
        d += static_cast<std::int64_t>(diff) * diff;
      }
      if (best_d < 0 || d < best_d) {
        best_d = d;
        best = k;
      }
    }
    return best;
  }

  // The first K samples seed the centres; after that each sample moves its nearest centre.
  constexpr std::size_t update(const std::array<std::int8_t, D>& x) noexcept {
    for (std::size_t k = 0; k < K; ++k) {
      if (count[k] == 0) {
        for (std::size_t j = 0; j < D; ++j) centre[k][j] = static_cast<std::int16_t>(x[j] * (1 << Frac));
        count[k] = 1;
        return k;
      }
    }
    const std::size_t k = assign(x);
    if (count[k] < 0xFFFF) ++count[k];
    for (std::size_t j = 0; j < D; ++j) {
      const std::int32_t diff = static_cast<std::int32_t>(x[j]) * (1 << Frac) - centre[k][j];
      const std::int32_t step = diff >= 0 ? (diff + count[k] / 2) / count[k] : -((-diff + count[k] / 2) / count[k]);
      centre[k][j] = static_cast<std::int16_t>(centre[k][j] + step);
    }
    return k;
  }

  // Centres are seeded in order: a centre with a count lies within the inputs' range, and after
  // the first unseeded one every centre is unseeded (count 0, centre 0).
  constexpr bool valid() const noexcept {
    constexpr std::int32_t lo = -128 * (1 << Frac), hi = 127 * (1 << Frac);
    bool seeding = true;
    for (std::size_t k = 0; k < K; ++k) {
      if (count[k] == 0) seeding = false;
      else if (!seeding) return false;
      for (std::size_t j = 0; j < D; ++j) {
        const std::int32_t c = centre[k][j];
        if (seeding ? (c < lo || c > hi) : c != 0) return false;
      }
    }
    return true;
  }
};

}  // namespace ctml::learn
