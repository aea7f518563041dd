// Size is checked before parsing (no work for an oversized frame); depth is
// checked by the parser callback, which sees every container as it opens.
// nlohmann's parser is iterative, so deep input cannot exhaust the stack
// while we wait for it to finish.
#include "json_limits.hpp"

namespace natter {

JsonResult parse_json_limited(std::string_view text, const JsonLimits& limits) {
  JsonResult result;
  if (text.size() > limits.max_bytes) {
    result.error_code = "too_large";
    return result;
  }
  bool too_deep = false;
  // `depth` counts the containers around the one opening, so the outermost
  // object or array has depth 0 and may be nested max_depth - 1 more times.
  auto check_depth = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    using Event = nlohmann::json::parse_event_t;
    if ((event == Event::object_start || event == Event::array_start) && depth >= limits.max_depth)
      too_deep = true;
    return !too_deep;  // discard everything once the limit is hit
  };
  nlohmann::json value = nlohmann::json::parse(text.data(), text.data() + text.size(), check_depth,
                                               /*allow_exceptions=*/false);
  if (too_deep) {
    result.error_code = "too_deep";
  } else if (value.is_discarded()) {
    result.error_code = "malformed";
  } else {
    result.value = std::move(value);
  }
  return result;
}

}  // namespace natter
