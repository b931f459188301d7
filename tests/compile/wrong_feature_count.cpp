// Must not compile: the model takes 30 features.
#include "breast_cancer_dt.hpp"
int main() { return ctml_models::breast_cancer_dt::predict(std::array<std::int16_t, 29>{}); }
