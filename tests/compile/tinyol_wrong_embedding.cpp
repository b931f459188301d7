// Must not compile: a tinyOL head given another network's embedding spec (16 wide, the network 32).
#include <cstdint>

#include "digits_frozen9.hpp"
#include <ctml/learn/tinyol.hpp>

struct other_embedding {
  using code_type = std::uint8_t;
  static constexpr std::size_t size = 16;
  static constexpr std::int32_t zero_point = -128;
  static constexpr unsigned shift = 3;
};
ctml::learn::tinyol<ctml_models::digits_frozen9, other_embedding, 10> learner;
int main() {}
