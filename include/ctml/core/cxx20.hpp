// ctml needs C++20 (concepts, consteval, std::bit_cast): one readable error instead of pages of
// them when a header is compiled in an older mode. The first ctml header every generated model
// header includes starts with this file.
#pragma once
#if !defined(__cplusplus) || __cplusplus < 202002L
#error "ctml needs C++20: compile with -std=c++20 (or gnu++20; CMake: target_compile_features(... cxx_std_20), which ctml::ctml sets)"
// A missing header is a fatal error: the compiler stops here instead of reporting every C++20
// construct that follows (two lines of errors instead of 70 to 500).
#include <ctml_stops_here__compile_with_std_cxx20>
#endif
