// Compiles: the correct use the must-fail TUs get wrong.
#include "breast_cancer_dt.hpp"
#include <ctml/core/budget.hpp>
using M = ctml_models::breast_cancer_dt_t<ctml::layout::table>;
static_assert(ctml::fits<M, 4096, 512>());
int main() { return M::predict(M::input_type{}); }
// The networks' counterpart of nn_ram_budget and nn_shape_mismatch: a budget that fits.
#include "digits_cnn.hpp"
static_assert(ctml::fits<ctml_models::digits_cnn, 32768, 2048>());
