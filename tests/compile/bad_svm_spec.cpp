// Must not compile: a hand-edited kernel-machine spec with one defect, chosen by CTML_DEFECT:
// 1 an integer model with a poly kernel (the integer path is rbf only); 2 a coefficient table of
// the wrong shape; 3 n_support that does not add up to n_sv; 4 svc over a regression spec;
// 5 coefficients whose sum could overflow the int32 accumulator.
// CTML_DEFECT=0 is the correct spec (the control: it must compile).
#include <ctml/svm/svc.hpp>
#include <ctml/svm/regressor.hpp>

#ifndef CTML_DEFECT
#define CTML_DEFECT 0
#endif

struct spec {
  using feature_type = std::int16_t;
  static constexpr std::size_t n_features = 2, n_sv = 3;
#if CTML_DEFECT == 4
  static constexpr auto kind = ctml::svm::machine_kind::regression;
  static constexpr std::array<std::size_t, 1> n_support = {3};
  static constexpr std::int16_t coef[1][3] = {{1, -2, 1}};
  static constexpr std::int32_t intercept[1] = {5};
#else
  static constexpr auto kind = ctml::svm::machine_kind::ovo;
  static constexpr std::array<std::size_t, 2> n_support = {1, CTML_DEFECT == 3 ? 1 : 2};
#if CTML_DEFECT == 2
  static constexpr std::int16_t coef[2][3] = {{1, -2, 1}, {0, 0, 0}};
#elif CTML_DEFECT == 5
  static constexpr std::int16_t coef[1][3] = {{30000, -30000, 30000}};
#else
  static constexpr std::int16_t coef[1][3] = {{1, -2, 1}};
#endif
  static constexpr std::int32_t intercept[1] = {5};
#endif
  static constexpr auto kernel = CTML_DEFECT == 1 ? ctml::svm::kernel_kind::poly : ctml::svm::kernel_kind::rbf;
  static constexpr float gamma = 0.5f, coef0 = 0.0f;
  static constexpr int degree = 3;
  static constexpr unsigned sq_shift = 0, d2_shift = 2;
  static constexpr std::uint32_t t_mul = 20000;
  static constexpr float out_scale = 1e-4f;
  static constexpr bool ovr_shape = true, has_scaling = false;
  static constexpr std::int16_t sv[3][2] = {{1, 2}, {3, 4}, {5, 6}};
};
int main() { return ctml::svm::svc<spec, ctml::layout::table>::predict({1, 2}); }
