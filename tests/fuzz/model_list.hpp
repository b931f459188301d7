// The models the property tests and the fuzz targets check: at least one of every family, in
// integer codes and in float, classifiers, regressors and outlier detectors.
// CTML_PROPERTY_MODELS(X) calls X(name, bound, has_proba) with the float-input bound of ctml_props
// (FLT_MAX, every finite input, for every family on targets with a 64-bit double) and whether the
// model has predict_proba;
// CTML_QUANTIZED_MODELS(X) calls X(name, has_proba) for the integer models whose
// <name>_info::quantize maps floats to their codes.
#pragma once
#include <cfloat>

#include "properties.hpp"

#include "breast_cancer_dt.hpp"
#include "breast_cancer_gb.hpp"
#include "breast_cancer_if.hpp"
#include "breast_cancer_if_float.hpp"
#include "breast_cancer_logit_float.hpp"
#include "breast_cancer_ocsvm.hpp"
#include "breast_cancer_rbf_svc.hpp"
#include "breast_cancer_rf.hpp"
#include "breast_cancer_rf_float.hpp"
#include "breast_cancer_xgb.hpp"
#include "diabetes_dt.hpp"
#include "diabetes_knn.hpp"
#include "diabetes_poisson_float.hpp"
#include "diabetes_ridge.hpp"
#include "diabetes_ridge_float.hpp"
#include "diabetes_rvr.hpp"
#include "diabetes_svr.hpp"
#include "diabetes_xgb.hpp"
#include "digits_mlp.hpp"
#include "digits_cnn_float.hpp"
#include "digits_mlp_float.hpp"
#include "digits_mlp_logistic_float.hpp"
#include "digits_rf.hpp"
#include "iris_gnb.hpp"
#include "iris_gnb_float.hpp"
#include "iris_knn.hpp"
#include "iris_knn_float.hpp"
#include "iris_logit.hpp"
#include "iris_logit_float.hpp"
#include "iris_logit_ovr_float.hpp"
#include "iris_nusvc_sigmoid.hpp"
#include "iris_perceptron.hpp"
#include "iris_rvc_float.hpp"
#include "iris_sgd_huber_float.hpp"
#include "iris_svc.hpp"
#include "iris_svc_float.hpp"
#include "iris_svc_poly.hpp"
#include "iris_svc_proba.hpp"
#include "iris_svc_proba_float.hpp"
#include "regression_mlp_float.hpp"

#define CTML_ALL_FLOATS FLT_MAX

#define CTML_PROPERTY_MODELS(X)                                                                            \
  X(breast_cancer_dt, CTML_ALL_FLOATS, true) X(digits_rf, CTML_ALL_FLOATS, true) X(breast_cancer_rf, CTML_ALL_FLOATS, true)   \
  X(breast_cancer_rf_float, CTML_ALL_FLOATS, true) X(diabetes_dt, CTML_ALL_FLOATS, false)                                \
  X(breast_cancer_gb, CTML_ALL_FLOATS, true) X(breast_cancer_xgb, CTML_ALL_FLOATS, true) X(diabetes_xgb, CTML_ALL_FLOATS, false) \
  X(breast_cancer_if, CTML_ALL_FLOATS, false) X(breast_cancer_if_float, CTML_ALL_FLOATS, false)                           \
  X(iris_logit, CTML_ALL_FLOATS, true) X(iris_logit_float, CTML_ALL_FLOATS, true) X(breast_cancer_logit_float, CTML_ALL_FLOATS, true)  \
  X(diabetes_ridge, CTML_ALL_FLOATS, false) X(diabetes_ridge_float, CTML_ALL_FLOATS, false) X(iris_perceptron, CTML_ALL_FLOATS, false)    \
  X(iris_svc, CTML_ALL_FLOATS, false) X(iris_svc_float, CTML_ALL_FLOATS, false) X(iris_svc_poly, CTML_ALL_FLOATS, false)                  \
  X(iris_svc_proba, CTML_ALL_FLOATS, true) X(iris_svc_proba_float, CTML_ALL_FLOATS, true) X(breast_cancer_rbf_svc, CTML_ALL_FLOATS, false) \
  X(diabetes_svr, CTML_ALL_FLOATS, false) X(breast_cancer_ocsvm, CTML_ALL_FLOATS, false) X(iris_rvc_float, CTML_ALL_FLOATS, true)         \
  X(diabetes_rvr, CTML_ALL_FLOATS, false) X(iris_nusvc_sigmoid, CTML_ALL_FLOATS, false)                                          \
  X(iris_gnb, CTML_ALL_FLOATS, true) X(iris_gnb_float, CTML_ALL_FLOATS, true)                                            \
  X(iris_knn, CTML_ALL_FLOATS, true) X(iris_knn_float, CTML_ALL_FLOATS, true) X(diabetes_knn, CTML_ALL_FLOATS, false)           \
  X(digits_mlp, CTML_ALL_FLOATS, true) X(digits_mlp_float, CTML_ALL_FLOATS, true)                                        \
  X(diabetes_poisson_float, CTML_ALL_FLOATS, false) X(iris_logit_ovr_float, CTML_ALL_FLOATS, true)                             \
  X(iris_sgd_huber_float, CTML_ALL_FLOATS, true) X(digits_cnn_float, CTML_ALL_FLOATS, true)                                    \
  X(digits_mlp_logistic_float, CTML_ALL_FLOATS, true) X(regression_mlp_float, CTML_ALL_FLOATS, false)

#define CTML_QUANTIZED_MODELS(X) \
  X(breast_cancer_dt, true) X(digits_rf, true) X(breast_cancer_rf, true) X(breast_cancer_gb, true) X(breast_cancer_if, false)             \
  X(iris_logit, true) X(diabetes_ridge, false) X(iris_perceptron, false) X(iris_svc, false) X(iris_svc_proba, true) X(breast_cancer_rbf_svc, false) \
  X(diabetes_svr, false) X(breast_cancer_ocsvm, false) X(diabetes_rvr, false) X(iris_gnb, true) X(iris_knn, true) X(diabetes_knn, false) X(digits_mlp, true)
