#include "boundary/small_libc.hpp"

#include <cstdint>

namespace natter {
namespace {

struct Sink {
  char* out;
  std::size_t size;
  std::size_t written = 0;
  void put(char c) {
    if (written + 1 < size) out[written] = c;
    ++written;
  }
};

void put_padded(Sink& sink, const char* digits, int len, int width, int precision, bool left, bool zero,
                bool negative) {
  const int zeros = precision > len ? precision - len : 0;
  int body = len + zeros + (negative ? 1 : 0);
  // '0' pads with zeros unless a precision is given (C's rule).
  if (zero && !left && precision < 0 && width > body) {
    if (negative) sink.put('-');
    for (int i = body; i < width; ++i) sink.put('0');
    for (int i = 0; i < len; ++i) sink.put(digits[i]);
    return;
  }
  if (!left)
    for (int i = body; i < width; ++i) sink.put(' ');
  if (negative) sink.put('-');
  for (int i = 0; i < zeros; ++i) sink.put('0');
  for (int i = 0; i < len; ++i) sink.put(digits[i]);
  if (left)
    for (int i = body; i < width; ++i) sink.put(' ');
}

int to_digits(unsigned long long v, unsigned base, bool upper, char* buf) {
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = set[v % base];
    v /= base;
  } while (v != 0);
  for (int i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  return n;
}

}  // namespace

int small_vsnprintf(char* out, std::size_t size, const char* f, std::va_list args) {
  Sink sink{out, size};
  while (*f != '\0') {
    if (*f != '%') {
      sink.put(*f++);
      continue;
    }
    ++f;
    bool left = false, zero = false;
    for (;; ++f) {
      if (*f == '-') left = true;
      else if (*f == '0') zero = true;
      else break;
    }
    int width = 0;
    if (*f == '*') {
      width = va_arg(args, int);
      ++f;
    } else {
      while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
    }
    int precision = -1;
    if (*f == '.') {
      ++f;
      precision = 0;
      if (*f == '*') {
        precision = va_arg(args, int);
        ++f;
      } else {
        while (*f >= '0' && *f <= '9') precision = precision * 10 + (*f++ - '0');
      }
    }
    int longs = 0;  // 0 int, 1 long, 2 long long / size_t
    while (*f == 'l' || *f == 'z' || *f == 'h') {
      if (*f == 'l') ++longs;
      if (*f == 'z') longs = 2;
      ++f;
    }
    const char c = *f++;
    char digits[24];
    switch (c) {
      case '%': sink.put('%'); break;
      case 'c': {
        const char ch = static_cast<char>(va_arg(args, int));
        put_padded(sink, &ch, 1, width, -1, left, false, false);
        break;
      }
      case 's': {
        const char* s = va_arg(args, const char*);
        if (s == nullptr) s = "(null)";
        int len = 0;
        while (s[len] != '\0' && (precision < 0 || len < precision)) ++len;
        put_padded(sink, s, len, width, -1, left, false, false);
        break;
      }
      case 'd':
      case 'i': {
        const long long v = longs == 0 ? va_arg(args, int) : longs == 1 ? va_arg(args, long) : va_arg(args, long long);
        const unsigned long long mag = v < 0 ? 0ULL - static_cast<unsigned long long>(v) : static_cast<unsigned long long>(v);
        const int n = (precision == 0 && v == 0) ? 0 : to_digits(mag, 10, false, digits);
        put_padded(sink, digits, n, width, precision, left, zero, v < 0);
        break;
      }
      case 'u':
      case 'x':
      case 'X': {
        const unsigned long long v = longs == 0   ? va_arg(args, unsigned)
                                     : longs == 1 ? va_arg(args, unsigned long)
                                                  : va_arg(args, unsigned long long);
        const int n = (precision == 0 && v == 0) ? 0 : to_digits(v, c == 'u' ? 10 : 16, c == 'X', digits);
        put_padded(sink, digits, n, width, precision, left, zero, false);
        break;
      }
      default:  // floating point and anything else: not supported here
        if (size > 0) out[sink.written < size ? sink.written : size - 1] = '\0';
        return -1;
    }
  }
  if (size > 0) out[sink.written < size ? sink.written : size - 1] = '\0';
  return static_cast<int>(sink.written);
}

double small_strtod(const char* text, char** end) {
  // Exact powers of ten: every 10^k with k <= 22 is a double.
  static const double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const char* p = text;
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') ++p;
  const bool negative = *p == '-';
  if (*p == '-' || *p == '+') ++p;
  std::uint64_t mantissa = 0;
  int digits = 0;      // significant digits kept in mantissa
  int exponent = 0;    // power of ten applied to mantissa
  bool any = false;
  for (; *p >= '0' && *p <= '9'; ++p) {
    any = true;
    if (digits < 19) {
      mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
      if (mantissa != 0) ++digits;
    } else {
      ++exponent;  // a dropped integer digit
    }
  }
  if (*p == '.') {
    const char* dot = p++;
    bool fraction = false;
    for (; *p >= '0' && *p <= '9'; ++p) {
      fraction = true;
      if (digits < 19) {
        mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
        if (mantissa != 0) ++digits;
        --exponent;
      }
    }
    if (!fraction && !any) p = dot;
    any = any || fraction;
  }
  if (!any) {
    if (end != nullptr) *end = const_cast<char*>(text);
    return 0.0;
  }
  if (*p == 'e' || *p == 'E') {
    const char* mark = p++;
    const bool neg_exp = *p == '-';
    if (*p == '-' || *p == '+') ++p;
    if (*p >= '0' && *p <= '9') {
      int e = 0;
      for (; *p >= '0' && *p <= '9'; ++p)
        if (e < 100000) e = e * 10 + (*p - '0');
      exponent += neg_exp ? -e : e;
    } else {
      p = mark;  // "1e" is the number 1 followed by "e"
    }
  }
  if (end != nullptr) *end = const_cast<char*>(p);
  double value = static_cast<double>(mantissa);
  if (mantissa == 0) {
    value = 0.0;
  } else if (mantissa <= (std::uint64_t{1} << 53) && exponent >= -22 && exponent <= 22) {
    value = exponent < 0 ? value / kPow10[-exponent] : value * kPow10[exponent];  // one rounding: exact result
  } else {
    // 10^e as 10^r * (10^22)^k: each factor is a correctly rounded double,
    // so the result is off by a few roundings at most (the test bounds it).
    static const double kPow10x22[] = {1e0,   1e22,  1e44,  1e66,  1e88,  1e110, 1e132, 1e154,
                                       1e176, 1e198, 1e220, 1e242, 1e264, 1e286, 1e308};
    const bool down = exponent < 0;
    int e = down ? -exponent : exponent;
    value = down ? value / kPow10[e % 22] : value * kPow10[e % 22];
    for (int k = e / 22; k > 0; k -= 14) {
      const double f = kPow10x22[k > 14 ? 14 : k];
      value = down ? value / f : value * f;
    }
  }
  return negative ? -value : value;
}

}  // namespace natter
