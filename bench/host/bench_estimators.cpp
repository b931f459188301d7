// Host nanoseconds per inference for issue 16's kinds (linear-kernel SVCs in primal form, a
// 300-tree boosted classifier, the boosted classifier with an exponential loss, a log-link GLM), in both layouts.
// A row is named <scikit-learn kind>/<model>/<layout>, like bench_families.cpp.
#include <benchmark/benchmark.h>

#include "bench_predict.hpp"

#include "breast_cancer_gb_exp.hpp"
#include "breast_cancer_gb_exp_vectors.hpp"
#include "breast_cancer_linear_svc_int.hpp"
#include "breast_cancer_linear_svc_int_vectors.hpp"
#include "diabetes_ada.hpp"
#include "diabetes_ada_vectors.hpp"
#include "diabetes_knn_distance.hpp"
#include "diabetes_knn_distance_vectors.hpp"
#include "iris_knn_distance.hpp"
#include "iris_knn_distance_vectors.hpp"
#include "iris_voting_soft.hpp"
#include "iris_voting_soft_vectors.hpp"
#include "diabetes_stacking.hpp"
#include "diabetes_stacking_vectors.hpp"
#include "diabetes_voting.hpp"
#include "diabetes_voting_vectors.hpp"
#include "breast_cancer_kbins_rf.hpp"
#include "breast_cancer_kbins_rf_vectors.hpp"
#include "iris_gmm.hpp"
#include "iris_gmm_vectors.hpp"
#include "wine_ee.hpp"
#include "wine_ee_vectors.hpp"
#include "diabetes_poisson.hpp"
#include "diabetes_poisson_vectors.hpp"
#include "iris_gb300.hpp"
#include "iris_gb300_vectors.hpp"
#include "breast_cancer_pca_logit.hpp"
#include "breast_cancer_pca_logit_vectors.hpp"
#include "iris_ada.hpp"
#include "iris_ada_vectors.hpp"
#include "iris_gblinear.hpp"
#include "iris_gblinear_vectors.hpp"
#include "iris_xgbrf.hpp"
#include "iris_xgbrf_vectors.hpp"
#include "iris_ada_vectors.hpp"
#include "iris_hgb.hpp"
#include "iris_hgb_vectors.hpp"
#include "iris_lgb.hpp"
#include "iris_lgb_ova.hpp"
#include "iris_lgb_ova_vectors.hpp"
#include "iris_lgb_vectors.hpp"
#include "iris_linear_svc.hpp"
#include "iris_linear_svc_vectors.hpp"

#define CTML_BENCH_ESTIMATOR(kind, model)                                                                   \
  BENCHMARK(ctml_bench::predict<ctml_models::model##_t<ctml::layout::unrolled>, ctml_models::model##_vectors>) \
      ->Name(#kind "/" #model "/unrolled");                                                                 \
  BENCHMARK(ctml_bench::predict<ctml_models::model##_t<ctml::layout::table>, ctml_models::model##_vectors>)    \
      ->Name(#kind "/" #model "/table")

CTML_BENCH_ESTIMATOR(SVC_linear_primal, breast_cancer_linear_svc_int);
CTML_BENCH_ESTIMATOR(SVC_linear_primal_ovo, iris_linear_svc);
CTML_BENCH_ESTIMATOR(PoissonRegressor, diabetes_poisson);
CTML_BENCH_ESTIMATOR(GradientBoostingClassifier_300_trees, iris_gb300);
CTML_BENCH_ESTIMATOR(LightGBM_multiclass, iris_lgb);
CTML_BENCH_ESTIMATOR(LightGBM_multiclassova, iris_lgb_ova);
CTML_BENCH_ESTIMATOR(HistGradientBoostingClassifier, iris_hgb);
CTML_BENCH_ESTIMATOR(AdaBoostClassifier_SAMME_R, iris_ada);
CTML_BENCH_ESTIMATOR(AdaBoostRegressor, diabetes_ada);
CTML_BENCH_ESTIMATOR(KNeighborsClassifier_distance, iris_knn_distance);
CTML_BENCH_ESTIMATOR(VotingRegressor_trees, diabetes_voting);
CTML_BENCH_ESTIMATOR(StackingRegressor_trees, diabetes_stacking);
CTML_BENCH_ESTIMATOR(VotingClassifier_soft_trees, iris_voting_soft);
CTML_BENCH_ESTIMATOR(Pipeline_KBinsDiscretizer_RandomForest, breast_cancer_kbins_rf);
CTML_BENCH_ESTIMATOR(GaussianMixture, iris_gmm);
CTML_BENCH_ESTIMATOR(EllipticEnvelope, wine_ee);
CTML_BENCH_ESTIMATOR(KNeighborsRegressor_distance, diabetes_knn_distance);
CTML_BENCH_ESTIMATOR(Pipeline_PCA_LogisticRegression, breast_cancer_pca_logit);
CTML_BENCH_ESTIMATOR(XGBRFClassifier_multiclass, iris_xgbrf);
CTML_BENCH_ESTIMATOR(XGBClassifier_gblinear, iris_gblinear);
CTML_BENCH_ESTIMATOR(GradientBoostingClassifier_exponential, breast_cancer_gb_exp);
