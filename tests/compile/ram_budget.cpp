// Must not compile: a forest needs a vote accumulator and a call frame, more than 8 bytes.
#include "breast_cancer_rf.hpp"
#include <ctml/core/budget.hpp>
static_assert(ctml::fits<ctml_models::breast_cancer_rf, 32768, 8>());
int main() {}
