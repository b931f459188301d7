// Must not compile: a hand-edited forest spec with one defect, chosen by CTML_DEFECT:
// 1 a split on feature 7 of a 2-feature model; 2 two trees of 40000 votes, over uint16 votes.
#include <ctml/trees/forest_classifier.hpp>

#if CTML_DEFECT == 1
#define CTML_FEATURE 7
#define CTML_SCALE 100
#else
#define CTML_FEATURE 1
#define CTML_SCALE 40000
#endif

using node = ctml::trees::node<std::uint8_t, std::int8_t, std::uint8_t>;
inline constexpr auto leaf = ctml::trees::leaf_feature<std::uint8_t>;
inline constexpr node tree_0[] = {{CTML_FEATURE, 3, 2}, {leaf, 0, 0}, {leaf, 0, 1}};
inline constexpr std::uint16_t dist_start[] = {0};
inline constexpr ctml::trees::vote_entry<std::uint16_t> dist_entries[] = {{0, 0}};
inline constexpr std::uint16_t dist_base[] = {0, 0, 0};
inline constexpr ctml::trees::vote_entry<std::uint16_t> dist_lead[] = {{0, 0}};
struct spec {
  static constexpr std::size_t n_features = 2, n_classes = 2;
  using feature_type = std::int8_t;
  using vote_type = std::uint16_t;
  static constexpr vote_type vote_scale = CTML_SCALE;
  static constexpr const auto& dist_start = ::dist_start;
  static constexpr const auto& dist_entries = ::dist_entries;
  static constexpr const auto& dist_base = ::dist_base;
  static constexpr const auto& dist_lead = ::dist_lead;
  using trees = ctml::trees::tree_list<tree_0, tree_0>;
};
int main() { return ctml::trees::forest_classifier<spec>::predict({1, 2}); }
