// Compiles: the correct use the must-fail TUs get wrong. Each generated header brings ctml::fits
// itself (no include of ctml/core/budget.hpp here), and a float model has quantize() too (the
// identity), so the README's firmware compiles whatever the model's input type.
#include <array>

#include "breast_cancer_dt.hpp"
#include "breast_cancer_dt_float.hpp"
#include "breast_cancer_svc_float.hpp"
#include "iris_gnb_float.hpp"
#include "iris_knn_float.hpp"
#include "iris_logit_float.hpp"
#include "digits_cnn.hpp"
namespace m = ctml_models;
using M = m::breast_cancer_dt_t<ctml::layout::table>;
static_assert(ctml::fits<M, 4096, 512>());
// The networks' counterpart of nn_ram_budget and nn_shape_mismatch: a budget that fits.
static_assert(ctml::fits<m::digits_cnn, 32768, 2048>());

long float_models(const std::array<float, 30>& bc, const std::array<float, 4>& iris) {
  static_assert(ctml::fits<m::breast_cancer_dt_float, 32768, 2048>());
  return m::breast_cancer_dt_float::predict(m::breast_cancer_dt_float_info::quantize(bc)) +
         m::breast_cancer_svc_float::predict(m::breast_cancer_svc_float_info::quantize(bc)) +
         m::iris_gnb_float::predict(m::iris_gnb_float_info::quantize(iris)) +
         m::iris_knn_float::predict(m::iris_knn_float_info::quantize(iris)) +
         m::iris_logit_float::predict(m::iris_logit_float_info::quantize(iris));
}
int main() { return M::predict(M::input_type{}); }
