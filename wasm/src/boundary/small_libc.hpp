#pragma once
// The two libc calls nlohmann_json makes, written small for the WASM core
// (docs/benchmarks.md "Shipped bytes"). musl's versions cost the core about
// 11 KB of code: snprintf pulls in printf_core, and strtod computes in
// wasm32's software long double (__multf3, __divtf3, fmodl...).
// wasm/bindings/libc_small.cpp makes them the core's snprintf and strtod;
// tests/native/small_libc_test.cpp holds them to glibc's.

#include <cstdarg>
#include <cstddef>

namespace natter {

// vsnprintf for what nlohmann formats ("\\u%04x", "<U+%.4X>", "%.2X"):
// flags '-' and '0', a width, a precision (digits or '*'), conversions
// d i u x X c s %, with l/ll/z/h/hh length modifiers. Any other conversion
// (floating point among them) returns -1 and writes nothing more.
int small_vsnprintf(char* out, std::size_t size, const char* format, std::va_list args);

// strtod over the JSON number grammar (nlohmann hands it a validated
// token). Correctly rounded when the digits fit 2^53 and the power of ten
// is within 10^±22 (prices, ids, milliseconds); otherwise within a few ulp.
double small_strtod(const char* text, char** end);

}  // namespace natter
