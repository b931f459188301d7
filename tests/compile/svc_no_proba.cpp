// Must not compile: predict_proba of an SVC trained without probability=True.
#include "iris_svc.hpp"
int main() {
  const auto p = ctml_models::iris_svc::predict_proba({});
  return p[0] > 0.5f;
}
