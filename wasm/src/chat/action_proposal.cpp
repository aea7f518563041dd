#include "chat/action_proposal.hpp"

#include <nlohmann/json.hpp>

#include "base/text_limits.hpp"
#include "chat/rich_text.hpp"
#include "chat/text_checks.hpp"

namespace natter {
namespace {

using nlohmann::json;

std::size_t depth_of(const json& v) {
  std::size_t deepest = 0;
  if (v.is_object() || v.is_array()) {
    for (const json& child : v) deepest = std::max(deepest, depth_of(child));
    return deepest + 1;
  }
  return 0;
}

bool has_control(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

// A card text: a string of at most `max_units` UTF-16 units with no
// controls; "" (absent) is allowed when `required` is false.
bool card_text(const json& obj, const char* key, std::size_t max_units, bool required, std::string& out) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return !required;
  if (!it->is_string()) return false;
  std::string text(trim(*it->get_ptr<const std::string*>()));
  if ((required && text.empty()) || utf16_length(text) > max_units || has_control(text)) return false;
  out = std::move(text);
  return true;
}

const char* read_summary(const json& s, ActionSummary& out) {
  if (!s.is_object()) return "summary must be an object";
  if (!card_text(s, "title", kMaxActionTitleUnits, true, out.title)) return "summary.title must be 1 to 120 characters";
  if (!card_text(s, "variant", kMaxActionTitleUnits, false, out.variant)) return "summary.variant must be at most 120 characters";
  const auto q = s.find("quantity");
  if (q != s.end() && !q->is_null()) {
    if (!q->is_number_integer() || q->get<int64_t>() < 1 || q->get<int64_t>() > 999)
      return "summary.quantity must be an integer from 1 to 999";
    out.quantity = static_cast<int>(q->get<int64_t>());
  }
  if (!card_text(s, "price", 32, false, out.price) || (!out.price.empty() && !is_decimal(out.price)))
    return "summary.price must be a decimal like \"49.99\"";
  if (!card_text(s, "currency", 3, false, out.currency)) return "summary.currency must be an ISO 4217 code";
  if (!out.currency.empty() && !upper_currency_code(out.currency, out.currency))
    return "summary.currency must be an ISO 4217 code";
  if (!card_text(s, "image_url", 2048, false, out.image_url) ||
      (!out.image_url.empty() && (out.image_url.rfind("https://", 0) != 0 || !is_safe_link(out.image_url))))
    return "summary.image_url must be an https link";
  return nullptr;
}

const char* check(const json& data, AgentAction& out) {
  const auto id = data.find("id");
  if (id == data.end() || !id->is_string() || !is_action_id(*id->get_ptr<const std::string*>()))
    return "id must match [A-Za-z0-9_-]{8,64}";
  out.id = *id->get_ptr<const std::string*>();
  const auto name = data.find("name");
  if (name == data.end() || !name->is_string() || !is_action_name(*name->get_ptr<const std::string*>()))
    return "name must match [a-z][a-z0-9_]{0,39}";
  out.name = *name->get_ptr<const std::string*>();
  const auto args = data.find("args");
  if (args == data.end() || !args->is_object()) return "args must be an object";
  if (depth_of(*args) > kMaxActionArgsDepth) return "args are nested deeper than 4 levels";
  out.args_json = args->dump(-1, ' ', false, json::error_handler_t::replace);
  if (out.args_json.size() > kMaxActionArgsBytes) return "args are larger than 2,048 bytes";
  const auto confirm = data.find("confirm");
  if (confirm == data.end() || !confirm->is_boolean()) return "confirm must be a boolean";
  out.confirm = confirm->get<bool>();
  const auto summary = data.find("summary");
  if (summary != data.end() && !summary->is_null()) {
    if (const char* why = read_summary(*summary, out.summary)) return why;
    out.has_summary = true;
  }
  if (out.confirm && !out.has_summary) return "summary is required when confirm is true";
  return nullptr;
}

}  // namespace

bool is_action_name(const std::string& name) {
  if (name.empty() || name.size() > 40 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

bool is_action_id(const std::string& id) {
  if (id.size() < 8 || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

void read_action(const json& data, AgentAction& out) {
  if (const char* why = check(data, out)) out.problem = why;
}

}  // namespace natter
