// Predicts one iris flower with a model converted at build time; exits 0 when the class is valid.
#include "iris.hpp"

#include <ctml/core/concepts.hpp>

int main() {
  using model = ctml_models::iris;
  static_assert(ctml::model<model>);
  const model::input_type x{5.1f, 3.5f, 1.4f, 0.2f};
  return model::predict(x) < model::n_classes ? 0 : 1;
}
