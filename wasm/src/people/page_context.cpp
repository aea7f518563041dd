#include "people/page_context.hpp"

#include "client.hpp"
#include "boundary/json_limits.hpp"

namespace natter {

void PageContext::on_changed(const std::string& json) {
  // Parsed only to know it is an object: a message's body embeds it as one.
  const char* problem = json.size() > kContextMaxBytes        ? "over 8192 bytes as JSON"
                        : json.empty() || parse_json(json).is_object() ? nullptr
                                                                       : "not a JSON object";
  if (problem) {
    c_.out_.emplace_back(Log{"error", std::string("page context: ") + problem + "; the context was not changed"});
    return;
  }
  text_ = json;
}

}  // namespace natter
