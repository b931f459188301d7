// Must not compile: the integer SVC takes int16 codes; floats go through iris_svc_info::quantize.
#include "iris_svc.hpp"
int main() { return ctml_models::iris_svc::predict(std::array<float, 4>{}); }
