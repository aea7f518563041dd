// The WASM core's snprintf and strtod (wasm/src/boundary/small_libc.hpp says why).
// Defined here, the linker never pulls musl's from libc: the only callers
// are nlohmann_json's escapes and number lexer. Not in the native build,
// where they would replace glibc's for the whole test process.
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "boundary/small_libc.hpp"

extern "C" {

int vsnprintf(char* out, size_t size, const char* format, va_list args) {
  return natter::small_vsnprintf(out, size, format, args);
}

int snprintf(char* out, size_t size, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const int n = natter::small_vsnprintf(out, size, format, args);
  va_end(args);
  return n;
}

// musl defines the three in one object: the set is replaced whole, or a
// reference to one would pull musl's strtod in beside this one.
double strtod(const char* text, char** end) { return natter::small_strtod(text, end); }
float strtof(const char* text, char** end) { return static_cast<float>(natter::small_strtod(text, end)); }
long double strtold(const char* text, char** end) { return natter::small_strtod(text, end); }

}  // extern "C"
