// Host example: classify a breast-cancer sample given as 30 float features on the command line
// (or the built-in one), with the checked-in random forest. Shows the whole user-side flow:
// quantize the floats into the model's codes, predict, read the class probabilities.
#include <array>
#include <cstdio>
#include <cstdlib>

#include "breast_cancer_rf.hpp"

int main(int argc, char** argv) {
  using model = ctml_models::breast_cancer_rf;
  // A malignant sample from scikit-learn's breast-cancer data (the first row of the data set).
  std::array<float, model::n_features> x{17.99f, 10.38f, 122.8f,  1001.0f, 0.1184f,  0.2776f, 0.3001f,
                                        0.1471f, 0.2419f, 0.07871f, 1.095f,  0.9053f,  8.589f,  153.4f,
                                        0.006399f, 0.04904f, 0.05373f, 0.01587f, 0.03003f, 0.006193f, 25.38f,
                                        17.33f,  184.6f,  2019.0f, 0.1622f,  0.6656f,  0.7119f, 0.2654f,
                                        0.4601f, 0.1189f};
  if (argc == static_cast<int>(model::n_features) + 1) {
    for (std::size_t i = 0; i < model::n_features; ++i) x[i] = std::strtof(argv[i + 1], nullptr);
  } else if (argc != 1) {
    std::fprintf(stderr, "usage: %s [30 feature values]\n", argv[0]);
    return 2;
  }
  const auto codes = ctml_models::breast_cancer_rf_info::quantize(x);
  const auto cls = model::predict(codes);
  const auto p = model::predict_proba(codes);
  std::printf("class %ld (%s), p = [%.3f, %.3f]\n", ctml_models::breast_cancer_rf_info::class_labels[cls],
              cls == 0 ? "malignant" : "benign", static_cast<double>(p[0]), static_cast<double>(p[1]));
  return 0;
}
