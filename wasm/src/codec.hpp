// The one place where events and effects become JSON and back. The WASM
// boundary, the recorded transcripts and the node tests all speak this
// form; docs/ARCHITECTURE.md ("The boundary") lists every shape.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "effects.hpp"
#include "events.hpp"

namespace natter {

struct CodecError {
  std::string code;    // "malformed" | "unknown_type" | "wrong_type"
  std::string detail;
};

// Decodes {"type": "...", ...}. Never throws.
std::variant<Event, CodecError> decode_event(std::string_view json_text);
// The same into `out` (the WASM boundary's form: no Event is moved, which
// would cost a move for each of its alternatives).
std::optional<CodecError> decode_event_into(std::string_view json_text, Event& out);

nlohmann::json encode_effect(const Effect& effect);
nlohmann::json encode_event(const Event& event);
nlohmann::json encode_rich_text(const RichText& text);

}  // namespace natter
