// Must not compile: the table layout keeps its nodes in flash, more than 16 bytes.
#include "breast_cancer_dt.hpp"
#include <ctml/core/budget.hpp>
static_assert(ctml::fits<ctml_models::breast_cancer_dt_t<ctml::layout::table>, 16, 2048>());
int main() {}
