// The tree family: every tree model ctml converts (see codegen for the estimators).
#pragma once
#include "boosted_classifier.hpp"
#include "forest_classifier.hpp"
#include "isolation_forest.hpp"
#include "regressor.hpp"
