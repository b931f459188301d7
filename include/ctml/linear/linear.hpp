// Linear models (scikit-learn's linear_model and svm.LinearSVC/LinearSVR): the family header.
#pragma once
#include "classifier.hpp"
#include "regressor.hpp"
