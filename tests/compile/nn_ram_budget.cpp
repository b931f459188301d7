// Must not compile: the digits CNN's 640-byte activation arena does not fit a 512-byte budget.
#include "digits_cnn.hpp"
#include <ctml/core/budget.hpp>
static_assert(ctml::fits<ctml_models::digits_cnn, 32768, 512>());
int main() {}
