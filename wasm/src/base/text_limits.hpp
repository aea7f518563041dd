// Small text helpers shared by validation code: the core measures text the
// way the browser does (UTF-16 code units, JavaScript's `length`), so the
// limit the shopper sees and the limit the server checks agree.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace natter {

// Number of UTF-16 code units `utf8` would take (invalid bytes count as 1).
inline std::size_t utf16_length(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    n += (c >= 0xF0) ? 2 : 1;          // 4-byte sequences are surrogate pairs
  }
  return n;
}

// `s` without leading and trailing ASCII whitespace.
inline std::string_view trim(std::string_view s) {
  const char* ws = " \t\n\r\f\v";
  const auto first = s.find_first_not_of(ws);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(ws);
  return s.substr(first, last - first + 1);
}

}  // namespace natter
