// Predicts one iris flower and runs an int8 network, both converted at build time; exits 0 when
// the class is valid and the network's probabilities form a distribution.
#include "iris.hpp"
#include "net.hpp"

#include <ctml/core/concepts.hpp>

int main() {
  using model = ctml_models::iris;
  static_assert(ctml::model<model>);
  const model::input_type x{5.1f, 3.5f, 1.4f, 0.2f};
  using net = ctml_models::net;
  static_assert(net::has_softmax && net::n_classes == 3);
  const auto p = net::predict_proba(ctml_models::net_info::quantize({0.5f, -1.0f, 0.25f, 2.0f}));
  const float sum = p[0] + p[1] + p[2];
  return model::predict(x) < model::n_classes && sum > 0.98f && sum < 1.02f ? 0 : 1;
}
