#include "chat/starters.hpp"

#include <nlohmann/json.hpp>

#include "boundary/json_limits.hpp"
#include "chat/suggestions.hpp"

namespace natter {

void show_starters(const std::string& value_json, bool started, std::deque<Effect>& out) {
  const nlohmann::json list = value_json.empty() ? nlohmann::json() : parse_json(value_json);
  if (!list.is_array()) {
    out.emplace_back(Log{"error", "natter('starters', list) needs an array of strings"});
    return;
  }
  AgentSuggestions checked;
  read_suggestions(json_object({{"replies", list}}), checked);
  if (checked.dropped)
    out.emplace_back(Log{"warn", "starters: dropped " + std::to_string(checked.dropped) +
                                     " (each is a string of 1 to 40 characters, at most 4)"});
  if (started) return;  // a conversation under way needs no first question
  out.emplace_back(SuggestionsShown{"", std::move(checked.replies), {}});
}

}  // namespace natter
