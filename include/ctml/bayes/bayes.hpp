// Naive Bayes models: the family header.
#pragma once
#include "gaussian_nb.hpp"
