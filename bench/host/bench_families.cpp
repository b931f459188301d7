// Host nanoseconds per inference for every model kind of issue 3 (linear models, naive Bayes,
// k-NN and kernel machines), in both layouts, cycling over the held-out inputs like
// bench_trees.cpp. A row is named <scikit-learn kind>/<model>/<layout>.
#include <benchmark/benchmark.h>

#include "bench_predict.hpp"

#include <array>
#include <cstddef>

#include "breast_cancer_logit.hpp"
#include "breast_cancer_logit_vectors.hpp"
#include "breast_cancer_ocsvm.hpp"
#include "breast_cancer_ocsvm_vectors.hpp"
#include "breast_cancer_rvc.hpp"
#include "breast_cancer_rvc_vectors.hpp"
#include "breast_cancer_svc.hpp"
#include "breast_cancer_svc_vectors.hpp"
#include "diabetes_enet.hpp"
#include "diabetes_enet_vectors.hpp"
#include "diabetes_knn.hpp"
#include "diabetes_knn_vectors.hpp"
#include "diabetes_lasso.hpp"
#include "diabetes_lasso_vectors.hpp"
#include "diabetes_linreg.hpp"
#include "diabetes_linreg_vectors.hpp"
#include "diabetes_linsvr.hpp"
#include "diabetes_linsvr_vectors.hpp"
#include "diabetes_nusvr.hpp"
#include "diabetes_nusvr_linear.hpp"
#include "diabetes_nusvr_linear_vectors.hpp"
#include "diabetes_nusvr_vectors.hpp"
#include "diabetes_ridge.hpp"
#include "diabetes_ridge_vectors.hpp"
#include "diabetes_rvr.hpp"
#include "diabetes_rvr_vectors.hpp"
#include "diabetes_svr.hpp"
#include "diabetes_svr_vectors.hpp"
#include "iris_gnb.hpp"
#include "iris_gnb_vectors.hpp"
#include "iris_knn.hpp"
#include "iris_knn_vectors.hpp"
#include "iris_logit.hpp"
#include "iris_logit_vectors.hpp"
#include "iris_nusvc_sigmoid_int.hpp"
#include "iris_nusvc_sigmoid_int_vectors.hpp"
#include "iris_rvc.hpp"
#include "iris_rvc_vectors.hpp"
#include "iris_perceptron.hpp"
#include "iris_perceptron_vectors.hpp"
#include "iris_sgd_hinge.hpp"
#include "iris_sgd_hinge_vectors.hpp"
#include "iris_sgd_huber_float.hpp"
#include "iris_sgd_huber_float_vectors.hpp"
#include "iris_svc.hpp"
#include "iris_svc_poly.hpp"
#include "iris_svc_poly_vectors.hpp"
#include "iris_svc_vectors.hpp"

// Both layouts of one generated model, its test vectors cycling.
#define CTML_BENCH_KIND(kind, model)                                                                        \
  BENCHMARK(ctml_bench::predict<ctml_models::model##_t<ctml::layout::unrolled>, ctml_models::model##_vectors>) \
      ->Name(#kind "/" #model "/unrolled");                                                                 \
  BENCHMARK(ctml_bench::predict<ctml_models::model##_t<ctml::layout::table>, ctml_models::model##_vectors>)    \
      ->Name(#kind "/" #model "/table")

CTML_BENCH_KIND(LogisticRegression_binary, breast_cancer_logit);
CTML_BENCH_KIND(LogisticRegression_multinomial, iris_logit);
CTML_BENCH_KIND(LinearRegression, diabetes_linreg);
CTML_BENCH_KIND(Ridge, diabetes_ridge);
CTML_BENCH_KIND(Lasso, diabetes_lasso);
CTML_BENCH_KIND(ElasticNet, diabetes_enet);
CTML_BENCH_KIND(SGDClassifier_hinge, iris_sgd_hinge);
CTML_BENCH_KIND(SGDClassifier_modified_huber, iris_sgd_huber_float);
CTML_BENCH_KIND(LinearSVC, breast_cancer_svc);
CTML_BENCH_KIND(LinearSVR, diabetes_linsvr);
CTML_BENCH_KIND(Perceptron, iris_perceptron);
CTML_BENCH_KIND(SVC_rbf, iris_svc);
CTML_BENCH_KIND(SVC_poly, iris_svc_poly);
CTML_BENCH_KIND(NuSVC, iris_nusvc_sigmoid_int);
CTML_BENCH_KIND(SVR, diabetes_svr);
CTML_BENCH_KIND(NuSVR_rbf, diabetes_nusvr);
CTML_BENCH_KIND(NuSVR_linear, diabetes_nusvr_linear);
CTML_BENCH_KIND(OneClassSVM, breast_cancer_ocsvm);
CTML_BENCH_KIND(RVC, breast_cancer_rvc);
CTML_BENCH_KIND(RVC_one_vs_rest, iris_rvc);
CTML_BENCH_KIND(RVR, diabetes_rvr);
CTML_BENCH_KIND(GaussianNB, iris_gnb);
CTML_BENCH_KIND(KNeighborsClassifier, iris_knn);
CTML_BENCH_KIND(KNeighborsRegressor, diabetes_knn);
