// Must not compile: probabilities of a network without a final softmax (digits_residual ends in logits).
#include "digits_residual.hpp"
int main() {
  const auto p = ctml_models::digits_residual::predict_proba({});
  return p[0] > 0.5f;
}
