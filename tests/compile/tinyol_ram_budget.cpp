// Must not compile: a tinyOL learner with 40 classes on the 32-wide digits embedding keeps
// 40 x 33 x 4 B of weights in RAM, over an ATmega328P's 2 KB; the firmware's budget check says so.
#include "digits_frozen9.hpp"
#include <ctml/core/budget.hpp>
#include <ctml/learn/tinyol.hpp>

using learner = ctml::learn::tinyol<ctml_models::digits_frozen9, ctml_models::digits_frozen9_embedding, 40>;
static_assert(ctml::fits<learner, 32768, 2048>());
int main() {}
