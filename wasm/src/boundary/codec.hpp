// The one place where events and effects become JSON and back. The WASM
// boundary, the recorded transcripts and the node tests all speak this
// form; docs/boundary.md lists every shape.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "base/effects.hpp"
#include "base/events.hpp"

namespace natter {

struct CodecError {
  std::string code;    // "malformed" | "unknown_type" | "wrong_type"
  std::string detail;
};

// Decodes {"type": "...", ...} into `out`. Never throws; on a CodecError
// `out` is unspecified. (Into, not returned: returning would move the Event,
// a move instantiated for each of its alternatives in the WASM.)
std::optional<CodecError> decode_event_into(std::string_view json_text, Event& out);

nlohmann::json encode_effect(const Effect& effect);
nlohmann::json encode_event(const Event& event);
nlohmann::json encode_rich_text(const RichText& text);

}  // namespace natter
