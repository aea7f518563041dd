// Checks and clean-ups for text that reaches a card from the network (a
// product card, an action's summary, an action's result message): the same
// rules wherever such text comes from, so a card never shows one thing from
// the agent and another from the shop's action handler.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace natter {

// `s` with controls replaced by spaces, trimmed, then cut to at most
// `max_units` UTF-16 units without splitting a character.
std::string clean_text(const std::string& s, std::size_t max_units);

// A plain decimal price: digits, optionally a point and more digits ("59.99",
// "5"), at most 32 bytes. No sign, exponent or grouping.
bool is_decimal(std::string_view s);

// An ISO 4217 code: three ASCII letters in any case; `out` gets them upper
// case. False (and `out` untouched) for anything else.
bool upper_currency_code(std::string_view s, std::string& out);

}  // namespace natter
