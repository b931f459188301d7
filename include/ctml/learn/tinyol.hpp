// tinyOL (Ren, Anicic and Runkler, "TinyOL: TinyML with Online-Learning on Microcontrollers", 2021):
// a frozen int8 network from codegen (converted with drop_last=True, so its output is an
// embedding) followed by a trainable dense head that learns on the device, one sample at a time.
// The network's weights stay in flash; the head's weights live in RAM. ram_bytes is a compile-time
// constant (the network's inference RAM, the embedding and the head's state) that a firmware can
// static_assert against its budget.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "trainable_dense.hpp"

namespace ctml::learn {

// Frozen: a ctml::nn::network with int8 activations (the generated <name> type).
// Embedding: the generated <name>_embedding (code_type, size, zero_point, shift).
// K classes; LrShift, MomentumShift and Decay are the head's SGD settings (trainable_dense).
template <class Frozen, class Embedding, std::size_t K, unsigned LrShift = 4, unsigned MomentumShift = 0,
          std::uint32_t Decay = 1024>
struct tinyol {
  static_assert(std::is_same_v<typename Frozen::value_type, std::int8_t>,
                "ctml: tinyol's frozen part must be an int8 network (convert it with drop_last=True)");
  static_assert(Embedding::size == Frozen::n_outputs,
                "ctml: the embedding spec does not match the frozen network's output width; pass the "
                "<name>_embedding generated with that network");

  using frozen_type = Frozen;
  using code_type = typename Embedding::code_type;
  using head_type = trainable_dense<Frozen::n_outputs, K, code_type, Embedding::shift, LrShift, MomentumShift, Decay>;
  using input_type = typename Frozen::input_type;
  using embedding_type = typename head_type::input_type;
  using output_type = std::uint8_t;

  static constexpr std::size_t n_features = Frozen::n_features;
  static constexpr std::size_t n_embedding = Frozen::n_outputs;
  static constexpr std::size_t n_classes = K;
  // RAM: the network's inference (arena and call frame), the embedding codes handed to the head,
  // and the head's state (its weights, which this object holds: sizeof(tinyol) == head_type::ram_bytes).
  static constexpr std::size_t ram_bytes = Frozen::ram_bytes + sizeof(embedding_type) + head_type::ram_bytes;
  // Flash: the frozen network's constants (the head keeps none).
  static constexpr std::size_t flash_bytes = Frozen::flash_bytes;

  head_type head{};

  // The head's codes of x's embedding: q - zero_point (clamped at 0 for unsigned codes, which the
  // network's final ReLU already guarantees).
  static constexpr embedding_type embed(const input_type& x) noexcept {
    const auto q = Frozen::logits(x);
    embedding_type e{};
    for (std::size_t i = 0; i < n_embedding; ++i) {
      const std::int32_t c = static_cast<std::int32_t>(q[i]) - Embedding::zero_point;
      e[i] = static_cast<code_type>(std::is_unsigned_v<code_type> && c < 0 ? 0 : c);
    }
    return e;
  }

  constexpr output_type predict(const input_type& x) const noexcept { return head.predict(embed(x)); }

  // One SGD step of the head on (x, y); the frozen network does not change. A label outside
  // [0, K) is ignored.
  constexpr void update(const input_type& x, std::uint8_t y) noexcept { head.update(embed(x), y); }
  constexpr bool valid() const noexcept { return head.valid(); }
};

}  // namespace ctml::learn
