// Must not compile: the model takes int16 codes, not floats.
#include "breast_cancer_dt.hpp"
int main() { return ctml_models::breast_cancer_dt::predict(std::array<float, 30>{}); }
