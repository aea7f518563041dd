#include "chat/text_checks.hpp"

#include <algorithm>

#include "base/text_limits.hpp"

namespace natter {

std::string clean_text(const std::string& s, std::size_t max_units) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  out = std::string(trim(out));
  std::size_t units = 0, i = 0;
  while (i < out.size()) {
    const auto lead = static_cast<unsigned char>(out[i]);
    const std::size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    const std::size_t w = len == 4 ? 2 : 1;
    if (units + w > max_units) break;
    units += w, i += len;
  }
  out.resize(std::min(i, out.size()));
  return out;
}

bool is_decimal(std::string_view s) {
  constexpr std::size_t kMaxPriceBytes = 32;
  std::size_t i = 0, digits = 0, fraction = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++fraction;
    if (fraction == 0) return false;
  }
  return digits > 0 && i == s.size() && s.size() <= kMaxPriceBytes;
}

bool upper_currency_code(std::string_view s, std::string& out) {
  if (s.size() != 3) return false;
  std::string code;
  for (char c : s) {
    const char upper = static_cast<char>(c & ~0x20);
    if (upper < 'A' || upper > 'Z') return false;
    code += upper;
  }
  out = std::move(code);
  return true;
}

}  // namespace natter
