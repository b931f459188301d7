// Must not compile: the int16 LinearSVC takes quantized codes, not floats.
#include "breast_cancer_svc.hpp"
int main() { return ctml_models::breast_cancer_svc::predict(std::array<float, 30>{}); }
