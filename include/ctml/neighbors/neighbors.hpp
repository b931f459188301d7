// Nearest-neighbour models: the family header.
#pragma once
#include "knn.hpp"
