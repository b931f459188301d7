// Must not compile: the unrolled forest's code is more than 64 bytes; the advice is the table layout.
#include "breast_cancer_dt.hpp"
#include <ctml/core/budget.hpp>
static_assert(ctml::fits<ctml_models::breast_cancer_dt_t<ctml::layout::unrolled>, 64, 2048>());
int main() {}
