// Gaussian mixtures and the elliptic envelope: the family header.
#pragma once
#include "gaussian_mixture.hpp"
