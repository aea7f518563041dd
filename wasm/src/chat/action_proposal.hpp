// The agent's proposal to act in the shop's page (docs/protocol.md, "The
// reply stream", event `action`): which of the page's declared actions, its
// arguments, whether the shopper must confirm it, and what the confirm card
// shows. Agent output is untrusted: a proposal that fails any check is
// dropped whole (`problem` says why, for one log line), never half-drawn.
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

namespace natter {

// What the confirm card shows: the item, its variant, how many, the price.
struct ActionSummary {
  std::string title;     // 1..120 UTF-16 units
  std::string variant;   // <= 120 units, may be ""
  int quantity = 0;      // 1..999, 0 when absent
  std::string price;     // a decimal, may be ""
  std::string currency;  // ISO 4217, upper case, may be ""
  std::string image_url; // https only, may be ""
};

struct AgentAction {  // event: action  data: {"id", "name", "args", "confirm", "summary"?}
  std::string id;         // /^[A-Za-z0-9_-]{8,64}$/
  std::string name;       // /^[a-z][a-z0-9_]{0,39}$/
  std::string args_json;  // an object, <= 2,048 bytes as JSON, depth <= 4
  bool confirm = true;
  bool has_summary = false;
  ActionSummary summary;
  std::string problem;  // "" when every check passed
};

constexpr std::size_t kMaxActionArgsBytes = 2048, kMaxActionArgsDepth = 4, kMaxActionTitleUnits = 120;

// Reads `data` (the event's data object) into `out`; out.problem is set on
// the first check that fails.
void read_action(const nlohmann::json& data, AgentAction& out);

bool is_action_name(const std::string& name);
bool is_action_id(const std::string& id);

}  // namespace natter
