// The WASM core's own snprintf and strtod (wasm/src/boundary/small_libc.hpp), held to
// glibc's on what nlohmann_json asks of them and on the edges around it.
#include "boundary/small_libc.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

namespace {

std::string small(std::size_t size, const char* format, ...) {
  char buf[64];
  std::memset(buf, 'Z', sizeof buf);
  va_list args;
  va_start(args, format);
  const int n = natter::small_vsnprintf(buf, size, format, args);
  va_end(args);
  return std::to_string(n) + "|" + std::string(buf, size == 0 ? 0 : std::strlen(buf));
}

std::string libc(std::size_t size, const char* format, ...) {
  char buf[64];
  std::memset(buf, 'Z', sizeof buf);
  va_list args;
  va_start(args, format);
  const int n = std::vsnprintf(buf, size, format, args);
  va_end(args);
  return std::to_string(n) + "|" + std::string(buf, size == 0 ? 0 : std::strlen(buf));
}

TEST(SmallSnprintf, FormatsNlohmannsEscapesAsGlibcDoes) {
  for (unsigned c : {0u, 1u, 0x1fu, 0x7fu, 0xffu, 0xabcdu, 0xd83du}) {
    EXPECT_EQ(small(7, "\\u%04x", c), libc(7, "\\u%04x", c));
    EXPECT_EQ(small(13, "\\u%04x\\u%04x", c, c + 1), libc(13, "\\u%04x\\u%04x", c, c + 1));
    EXPECT_EQ(small(9, "<U+%.4X>", c), libc(9, "<U+%.4X>", c));
    EXPECT_EQ(small(9, "%.2X", c), libc(9, "%.2X", c));
  }
}

TEST(SmallSnprintf, FollowsCOnWidthPrecisionSignsAndTruncation) {
  EXPECT_EQ(small(64, "%d|%5d|%-5d|%05d|%.3d|%i", -42, 7, 7, -7, 5, 0), libc(64, "%d|%5d|%-5d|%05d|%.3d|%i", -42, 7, 7, -7, 5, 0));
  EXPECT_EQ(small(64, "%u %x %X %lu %llx %zu", 4000000000u, 255u, 255u, 9ul, 0x1234567890ull, std::size_t{12}),
            libc(64, "%u %x %X %lu %llx %zu", 4000000000u, 255u, 255u, 9ul, 0x1234567890ull, std::size_t{12}));
  EXPECT_EQ(small(64, "[%s][%6s][%-6s][%.2s][%c][%%]", "ab", "ab", "ab", "abc", 'q'),
            libc(64, "[%s][%6s][%-6s][%.2s][%c][%%]", "ab", "ab", "ab", "abc", 'q'));
  EXPECT_EQ(small(64, "%*d|%.*d", 4, 3, 3, 9), libc(64, "%*d|%.*d", 4, 3, 3, 9));
  EXPECT_EQ(small(64, "%d", -2147483647 - 1), libc(64, "%d", -2147483647 - 1));
  EXPECT_EQ(small(64, "%.0d|%.0x", 0, 0u), libc(64, "%.0d|%.0x", 0, 0u));
  EXPECT_EQ(small(4, "abcdef%d", 12), libc(4, "abcdef%d", 12)) << "cut to size, NUL-terminated, full length returned";
  EXPECT_EQ(small(0, "abc"), libc(0, "abc"));
}

TEST(SmallSnprintf, RefusesFloatingPointRatherThanPrintingSomethingWrong) {
  EXPECT_EQ(small(16, "x=%g", 1.5), "-1|x=");
}

double parse(const char* text, std::size_t* used = nullptr) {
  char* end = nullptr;
  const double v = natter::small_strtod(text, &end);
  if (used != nullptr) *used = static_cast<std::size_t>(end - text);
  return v;
}

TEST(SmallStrtod, ParsesJsonNumbersExactlyAsGlibcDoes) {
  for (const char* t : {"0", "-0", "59.99", "0.1", "1.5e3", "-2.25E-2", "123456789012345", "9007199254740993",
                        "1e22", "1e-22", "4.35", "0.000123", "12.5e+2", "3.141592653589793", "1E0"}) {
    char* end = nullptr;
    const double want = std::strtod(t, &end);
    std::size_t used = 0;
    const double got = parse(t, &used);
    EXPECT_EQ(got, want) << t;
    EXPECT_EQ(std::signbit(got), std::signbit(want)) << t;
    EXPECT_EQ(used, static_cast<std::size_t>(end - t)) << t;
  }
}

TEST(SmallStrtod, IsCorrectlyRoundedForShortDecimalsAndCloseOtherwise) {
  std::mt19937_64 rng(7);
  char text[64];
  for (int i = 0; i < 20000; ++i) {
    const unsigned long long digits = rng() % 1000000000000000ull;  // 15 digits
    const int exp = static_cast<int>(rng() % 45) - 22;
    std::snprintf(text, sizeof text, "%llue%d", digits, exp);
    ASSERT_EQ(parse(text), std::strtod(text, nullptr)) << text;
  }
  for (int i = 0; i < 20000; ++i) {  // long mantissas and far exponents: within 4 ulp
    std::snprintf(text, sizeof text, "%llu%llue%d", static_cast<unsigned long long>(rng() % 1000000000000ull),
                  static_cast<unsigned long long>(rng() % 1000000000000ull), static_cast<int>(rng() % 500) - 250);
    const double want = std::strtod(text, nullptr);
    const double got = parse(text);
    ASSERT_LE(std::fabs(got - want), 4 * (std::nextafter(want, INFINITY) - want)) << text;
  }
}

TEST(SmallStrtod, StopsWhereTheNumberEnds) {
  std::size_t used = 0;
  EXPECT_EQ(parse("12,", &used), 12.0);
  EXPECT_EQ(used, 2u);
  EXPECT_EQ(parse("1e", &used), 1.0);
  EXPECT_EQ(used, 1u);
  EXPECT_EQ(parse("x", &used), 0.0);
  EXPECT_EQ(used, 0u);
  EXPECT_EQ(parse(".5", &used), 0.5);
  EXPECT_EQ(used, 2u);
}

}  // namespace
