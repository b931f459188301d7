// Kernel machines: support vector classifiers (one-vs-one), regressors, one-class SVMs and
// relevance vector machines, as compile-time types (see models/ for generated examples).
#pragma once
#include "logistic.hpp"
#include "one_class.hpp"
#include "regressor.hpp"
#include "svc.hpp"
