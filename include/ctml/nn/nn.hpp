// Neural networks in int8 (TFLite's quantization scheme): the network type and its layers.
#pragma once
#include "add.hpp"
#include "add_in_place.hpp"
#include "branch.hpp"
#include "conv2d.hpp"
#include "dense.hpp"
#include "depthwise_conv2d.hpp"
#include "layers_f32.hpp"
#include "lut.hpp"
#include "network.hpp"
#include "pool.hpp"
#include "requantize.hpp"
#include "shape.hpp"
