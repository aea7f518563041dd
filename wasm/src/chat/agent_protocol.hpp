// The agent's reply stream (HTTP server-sent events today, live-session
// frames later): what each event means, decoded from untrusted JSON into
// checked values. docs/protocol.md is the wire reference.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include <nlohmann/json_fwd.hpp>

#include "chat/action_proposal.hpp"
#include "chat/suggestions.hpp"

namespace natter {

struct AgentStart {   // event: start   data: {"reply_id": "...", "author"?: {"kind": "staff", "name": "..."}}
  std::string reply_id;
  std::string author;  // a staff member's display name; "" for the assistant
};
struct AgentDelta {   // event: delta   data: {"text": "..."}
  std::string text;
};
struct AgentCard {    // event: card    data: {"product": {...}}
  std::string product_id, name, price, currency, url, image_url;
};
struct AgentDone {};  // event: done    data: {}
struct AgentError {   // event: error   data: {"code": "...", "message": "..."}
  std::string code, message;
};

using AgentEvent = std::variant<AgentStart, AgentDelta, AgentCard, AgentDone, AgentError, AgentSuggestions, AgentAction>;

// Why an event was refused. `code` is stable (tests and logs use it):
// "too_large", "too_deep", "malformed", "wrong_type", "unknown_event",
// "unsafe_link".
struct ProtocolError {
  std::string code;
  std::string detail;  // human-readable, names the field at fault
};

using DecodedAgentEvent = std::variant<AgentEvent, ProtocolError>;

// Decodes one SSE event. Unknown fields are ignored; a missing or mistyped
// required field, an unknown event name, or a card link that is not
// http(s) is a ProtocolError.
DecodedAgentEvent decode_agent_event(std::string_view event_name, std::string_view data);
// The same into `out` (the reply stream's form: no AgentEvent is moved).
std::optional<ProtocolError> decode_agent_event_into(std::string_view event_name, std::string_view data,
                                                    AgentEvent& out);
// The same from a value a live-session frame already parsed (within the
// frame's limits): read in place, not written out and parsed again.
std::optional<ProtocolError> decode_agent_event_value(std::string_view event_name, const nlohmann::json& data,
                                                     AgentEvent& out);

// A decoder's success: `value` built in place in the caller's variant (the
// _into decoders' form: returning a variant would move it, and a move is
// instantiated for every alternative).
template <typename Variant, typename T>
std::optional<ProtocolError> decoded_into(Variant& out, T&& value) {
  out.template emplace<std::decay_t<T>>(std::forward<T>(value));
  return std::nullopt;
}

}  // namespace natter
