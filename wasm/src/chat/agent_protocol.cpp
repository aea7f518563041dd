// Decoding the agent's reply events (docs/protocol.md, "The reply stream").
// Every value is read only after its type is checked: nlohmann's get<>() and
// at() throw on a mismatch, and exceptions are off in the WASM build.
//
// Field rules beyond the protocol table: ids (reply_id, product.id) are 1 to
// 128 bytes; product.name is 1 to 200 UTF-16 units after trimming (longer is
// cut at a character boundary, controls become spaces); price is a plain
// decimal (a JSON number is accepted and written out the same way); currency
// is three ASCII letters, upper-cased; url must pass is_safe_link and fit in
// 2048 bytes; an image_url that is mistyped, unsafe or too long is dropped;
// error.code is 1 to 64 bytes, error.message is optional and cut like a name
// at 500 UTF-16 units.
#include "chat/agent_protocol.hpp"

#include <algorithm>

#include "base/call_apart.hpp"
#include "boundary/json_limits.hpp"
#include "chat/rich_text.hpp"
#include "chat/text_checks.hpp"
#include "base/text_limits.hpp"

namespace natter {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdBytes = 128, kMaxCodeBytes = 64, kMaxUrlBytes = 2048;
constexpr std::size_t kMaxAuthorBytes = 400;  // a staff name: 100 characters of up to 4 bytes
constexpr std::size_t kMaxNameUnits = 200, kMaxMessageUnits = 500;

ProtocolError error(std::string code, std::string detail) { return {std::move(code), std::move(detail)}; }

// Reads `obj[key]` as a string; null when absent or not a string.
const std::string* string_field(const json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

// An event name from the network may hold any bytes; show only safe ones.
std::string printable(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 64)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

std::optional<ProtocolError> decode_card(const json& data, AgentEvent& out) {
  const auto p = data.find("product");
  if (p == data.end() || !p->is_object()) return error("wrong_type", "card.product must be an object");
  const json& product = *p;
  AgentCard card;

  const std::string* id = string_field(product, "id");
  if (!id || id->empty() || id->size() > kMaxIdBytes)
    return error("wrong_type", "card.product.id must be a string of 1 to 128 bytes");
  card.product_id = *id;

  const std::string* name = string_field(product, "name");
  if (name) card.name = clean_text(*name, kMaxNameUnits);
  if (card.name.empty()) return error("wrong_type", "card.product.name must be a non-blank string");

  const auto price = product.find("price");
  if (price != product.end() && price->is_string()) card.price = *price->get_ptr<const std::string*>();
  else if (price != product.end() && price->is_number()) card.price = price->dump();
  if (!is_decimal(card.price))
    return error("wrong_type", "card.product.price must be a decimal like \"59.99\"");

  const std::string* currency = string_field(product, "currency");
  if (!currency || !upper_currency_code(*currency, card.currency))
    return error("wrong_type", "card.product.currency must be an ISO 4217 code");

  const std::string* url = string_field(product, "url");
  if (!url) return error("wrong_type", "card.product.url must be a string");
  if (url->size() > kMaxUrlBytes || !is_safe_link(*url))
    return error("unsafe_link", "card.product.url is not an http(s) link");
  card.url = *url;

  const std::string* image = string_field(product, "image_url");
  if (image && image->size() <= kMaxUrlBytes && is_safe_link(*image)) card.image_url = *image;
  return decoded_into(out, std::move(card));
}

std::optional<ProtocolError> decode_fields(std::string_view event_name, const json& data, AgentEvent& out) {
  if (event_name == "start") {
    const std::string* id = string_field(data, "reply_id");
    if (!id || id->empty() || id->size() > kMaxIdBytes)
      return error("wrong_type", "start.reply_id must be a string of 1 to 128 bytes");
    AgentStart start{*id, ""};
    // A person from the shop writes this reply (docs/protocol.md, "Handoff to a person").
    auto author = data.find("author");
    if (author != data.end() && author->is_object() && string_field(*author, "kind") &&
        *string_field(*author, "kind") == "staff") {
      const std::string* name = string_field(*author, "name");
      if (!name || name->empty() || name->size() > kMaxAuthorBytes)
        return error("wrong_type", "start.author.name must be a string of 1 to 400 bytes");
      start.author = *name;
    }
    return decoded_into(out, std::move(start));
  }
  if (event_name == "delta") {
    const std::string* text = string_field(data, "text");
    if (!text) return error("wrong_type", "delta.text must be a string");
    return decoded_into(out, AgentDelta{*text});
  }
  if (event_name == "card") return decode_card(data, out);
  if (event_name == "done") return decoded_into(out, AgentDone{});
  if (event_name == "suggestions") {
    AgentSuggestions suggestions;
    read_suggestions(data, suggestions);
    return decoded_into(out, std::move(suggestions));
  }
  if (event_name == "action") {  // checked whole; one that fails is dropped with a log line (reply_assembler)
    AgentAction action;
    call_apart(read_action, data, action);  // no first chat proposes an action
    return decoded_into(out, std::move(action));
  }
  // event_name == "error"
  const std::string* code = string_field(data, "code");
  if (!code || code->empty() || code->size() > kMaxCodeBytes)
    return error("wrong_type", "error.code must be a string of 1 to 64 bytes");
  const auto message = data.find("message");
  const std::string* text = string_field(data, "message");
  if (message != data.end() && !message->is_null() && !text)
    return error("wrong_type", "error.message must be a string");
  return decoded_into(out, AgentError{*code, text ? clean_text(*text, kMaxMessageUnits) : std::string()});
}


bool known_event(std::string_view name) {
  return name == "start" || name == "delta" || name == "card" || name == "done" || name == "error" ||
         name == "suggestions" || name == "action";
}
ProtocolError unknown_event(std::string_view name) {
  return error("unknown_event", "unknown event '" + printable(name) + "'");
}
// A known event's data, however it arrived.
std::optional<ProtocolError> decode_data(std::string_view event_name, const json& data, AgentEvent& out) {
  if (!data.is_object()) return error("wrong_type", std::string(event_name) + " data must be a JSON object");
  return decode_fields(event_name, data, out);
}
}  // namespace

std::optional<ProtocolError> decode_agent_event_into(std::string_view event_name, std::string_view data,
                                                    AgentEvent& out) {
  if (!known_event(event_name)) return unknown_event(event_name);
  JsonResult parsed = parse_json_limited(data);
  if (!parsed.ok()) {
    const std::string why = parsed.error_code == "too_large"  ? "is larger than 64 KiB"
                            : parsed.error_code == "too_deep" ? "is nested deeper than 16 levels"
                                                              : "is not valid JSON";
    return error(parsed.error_code, std::string(event_name) + " data " + why);
  }
  return decode_data(event_name, parsed.value, out);
}

std::optional<ProtocolError> decode_agent_event_value(std::string_view event_name, const json& data,
                                                     AgentEvent& out) {
  if (!known_event(event_name)) return unknown_event(event_name);
  return decode_data(event_name, data, out);
}

DecodedAgentEvent decode_agent_event(std::string_view event_name, std::string_view data) {
  AgentEvent event;
  if (auto e = decode_agent_event_into(event_name, data, event)) return std::move(*e);
  return event;
}

}  // namespace natter
