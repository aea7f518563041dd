#include "chat/suggestions.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "chat/rich_text.hpp"
#include "base/text_limits.hpp"

namespace natter {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxUrlBytes = 2048;

// The words of a chip or button: controls become spaces, then trimmed; ""
// when blank or longer than kMaxSuggestionUnits UTF-16 units.
std::string chip_text(const json& value) {
  if (!value.is_string()) return {};
  std::string out = *value.get_ptr<const std::string*>();
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  out = std::string(trim(out));
  return utf16_length(out) > kMaxSuggestionUnits ? std::string() : out;
}

bool is_https_link(const std::string& url) {
  return url.size() <= kMaxUrlBytes && url.rfind("https://", 0) == 0 && is_safe_link(url);
}

}  // namespace

void read_suggestions(const json& data, AgentSuggestions& out) {
  const auto replies = data.find("replies");
  if (replies != data.end() && replies->is_array()) {
    for (const json& item : *replies) {
      std::string text = chip_text(item);
      const bool seen = std::find(out.replies.begin(), out.replies.end(), text) != out.replies.end();
      if (text.empty() || seen || out.replies.size() == kMaxSuggestedReplies) ++out.dropped;
      else out.replies.push_back(std::move(text));
    }
  } else if (replies != data.end()) {
    ++out.dropped;
  }
  const auto links = data.find("links");
  if (links != data.end() && links->is_array()) {
    for (const json& item : *links) {
      SuggestedLink link;
      if (item.is_object()) {
        link.text = chip_text(item.contains("text") ? item["text"] : json());
        const auto url = item.find("url");
        if (url != item.end() && url->is_string()) link.url = *url->get_ptr<const std::string*>();
      }
      if (link.text.empty() || !is_https_link(link.url) || out.links.size() == kMaxSuggestedLinks) ++out.dropped;
      else out.links.push_back(std::move(link));
    }
  } else if (links != data.end()) {
    ++out.dropped;
  }
}

}  // namespace natter
