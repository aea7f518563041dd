// Parsing JSON that came from the network. Exceptions are off in the WASM
// build, so every failure comes back as a value with a stable code.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace natter {

struct JsonLimits {
  std::size_t max_bytes = 64 * 1024;  // a frame larger than this is refused unparsed
  int max_depth = 16;                 // nesting deeper than this is refused
};

struct JsonResult {
  nlohmann::json value;    // null unless ok
  std::string error_code;  // "" when ok; "too_large" | "too_deep" | "malformed"
  bool ok() const { return error_code.empty(); }
};

// Never throws, never aborts: bad input is an error_code.
JsonResult parse_json_limited(std::string_view text, const JsonLimits& limits = {});

// Without limits, for text the core made or the host already checked: the
// value, or a discarded value (is_discarded()) when the text is not JSON,
// like nlohmann's parse(text, nullptr, false). The core's only other way in.
nlohmann::json parse_json(std::string_view text);

// An object from its fields: json_object({{"type", "log"}, {"text", t}}).
// nlohmann's own initializer-list constructor inlines its "is every element
// a key/value pair?" check at each call site; one out-of-line loop instead
// keeps the core's effect encoders small. Same value, same dump.
nlohmann::json json_object(std::initializer_list<std::pair<const char*, nlohmann::json>> fields);

}  // namespace natter
