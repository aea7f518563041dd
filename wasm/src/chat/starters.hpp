// Starter prompts: the shop's suggested first questions for this page
// (natter('starters', [...]), core event host_starters). Shown only on an
// empty conversation, as reply chips of no reply (SuggestionsShown with
// reply_to ""); a tap is an ordinary message (event suggestion_tapped), and
// the chips go away with the shopper's first message. The same checks as the
// agent's chips (suggestions.hpp): at most 4, each 1 to 40 characters.
#pragma once

#include <deque>
#include <string>

#include "base/effects.hpp"

namespace natter {

// `value_json`: the page's value as JSON text ("" when it gave none).
// `started`: the conversation already shows a message. A call replaces the
// page's earlier starters; an empty list takes them away.
void show_starters(const std::string& value_json, bool started, std::deque<Effect>& out);

}  // namespace natter
