// What the agent offers the shopper to tap under its answer (docs/protocol.md,
// "The reply stream", event `suggestions`): short replies (a tap sends the
// text as an ordinary message) and link buttons (https only). Agent output
// is untrusted: each item is checked on its own, and one that fails is
// dropped (counted, for a log line), never the whole event.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace natter {

struct SuggestedLink {
  std::string text;  // the button's words
  std::string url;   // https only, at most 2048 bytes
};

struct AgentSuggestions {  // event: suggestions  data: {"replies": ["…"], "links": [{"text", "url"}]}
  std::vector<std::string> replies;
  std::vector<SuggestedLink> links;
  std::size_t dropped = 0;  // items refused (mistyped, blank, too long, unsafe, duplicate, over the count)
};

// A phone shows about four short chips on one or two lines; more turns the
// answer into a menu. Texts are cut by nobody: a reply cut short could say
// something else, so a long one is dropped.
constexpr std::size_t kMaxSuggestedReplies = 4, kMaxSuggestedLinks = 2, kMaxSuggestionUnits = 40;

// Reads `data` (an event's data object) into `out`, keeping what passes.
// `replies` and `links` are optional; anything else in them is dropped.
void read_suggestions(const nlohmann::json& data, AgentSuggestions& out);

}  // namespace natter
