// ctml: machine-learning inference as C++ types. The umbrella header; each family header also
// stands alone.
#pragma once
#include "core/budget.hpp"
#include "core/concepts.hpp"
#include "core/fixed.hpp"
#include "core/layout.hpp"
#include "core/math.hpp"
#include "core/quantize.hpp"
#include "platform/flash.hpp"
#include "platform/target.hpp"
#include "learn/kmeans.hpp"
#include "learn/online_linear.hpp"
#include "learn/online_logistic.hpp"
#include "learn/persist.hpp"
#include "learn/stats.hpp"
#include "trees/trees.hpp"
#include "core/fixed_math.hpp"
#include "svm/svm.hpp"
