#include "boundary/json_client.hpp"
#include "boundary/json_limits.hpp"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "boundary/codec.hpp"

namespace natter {
namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool parse_hex64(const std::string& s, uint64_t& out) {
  if (s.empty() || s.size() > 16) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
          : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

// The config's fields, read one by one: a missing field keeps the default;
// the first present field of the wrong type is the error. Members, not
// lambdas, so each reader exists once in the WASM rather than at every field.
class ConfigReader {
 public:
  ConfigReader(const json& j, std::string* error) : j_(j), error_(error) {}
  void note(const std::string& what) { if (error_ && error_->empty()) *error_ = what; }
  const json* find(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  void str(const char* key, std::string& out) {
    if (const json* v = find(key)) {
      if (v->is_string()) out = v->get_ref<const std::string&>();
      else wrong(key, "a string");
    }
  }
  void uint(const char* key, uint32_t& out) {
    if (const json* v = find(key)) {
      if (v->is_number_unsigned()) out = static_cast<uint32_t>(v->get<uint64_t>());
      else wrong(key, "a non-negative integer");
    }
  }
  void seed(const char* key, uint64_t& out) {
    std::string s;
    str(key, s);
    if (!s.empty() && !parse_hex64(s, out)) wrong(key, "1-16 hex digits");
  }
  void wall(const char* key, int64_t& out) {
    if (const json* v = find(key)) {
      if (v->is_number_integer() && v->get<int64_t>() >= 0) out = v->get<int64_t>();
      else wrong(key, "a non-negative integer (ms since 1970)");
    }
  }
  void boolean(const char* key, bool& out) {
    if (const json* v = find(key); v && v->is_boolean()) out = v->get<bool>();
  }
  // A nested array kept as its JSON text (the core restores it later).
  void array_text(const char* key, std::string& out) {
    if (const json* v = find(key)) {
      if (v->is_array()) out = dump(*v);
      else note(std::string("config '") + key + "' must be an array");
    }
  }

 private:
  void wrong(const char* key, const char* what) { note(std::string("config '") + key + "' must be " + what); }
  const json& j_;
  std::string* error_;
};

}  // namespace

Config config_from_json(std::string_view text, std::string* error) {
  Config c;
  json j = parse_json(text);
  ConfigReader r(j, error);
  if (j.is_discarded() || !j.is_object()) { r.note("config is not a JSON object"); return c; }
  r.str("chat_url", c.chat_url);
  r.str("conversation_id", c.conversation_id);
  r.str("conversation_key", c.conversation_key);
  r.uint("max_text_chars", c.max_text_chars);
  r.uint("max_auto_retries", c.max_auto_retries);
  r.seed("seed_hi", c.seed_hi);
  r.seed("seed_lo", c.seed_lo);
  r.str("session_url", c.session_url);
  r.str("tab_id", c.tab_id);
  r.str("build", c.build);
  r.str("version", c.version);
  r.str("channel_url", c.channel_url);
  r.wall("wall_now_ms", c.wall_now_ms);
  r.wall("last_reload_wall_ms", c.last_reload_wall_ms);
  r.str("token_url", c.token_url);
  r.str("continue_secret", c.continue_secret);
  r.str("voice_missing", c.voice_missing);
  r.boolean("rtc", c.rtc);
  r.str("resume_token", c.resume_token);
  if (const json* seq = r.find("last_event_seq")) {
    if (seq->is_number_unsigned()) c.last_event_seq = seq->get<uint64_t>();
    else r.note("config 'last_event_seq' must be a non-negative integer");
  }
  r.array_text("outbox", c.outbox_json);
  r.array_text("transcript", c.transcript_json);
  r.array_text("saved", c.saved_json);
  r.array_text("actions", c.actions_json);
  r.boolean("save_products", c.save_products);
  r.boolean("multiple_conversations", c.multiple_conversations);
  r.str("conversations_json", c.conversations_json);
  if (const json* visitor = r.find("visitor")) {
    if (visitor->is_object()) c.visitor_json = dump(*visitor);
    else if (!visitor->is_null()) r.note("config 'visitor' must be an object");
  }
  return c;
}

JsonClient::JsonClient(std::string_view config_json)
    : client_(config_from_json(config_json, &config_error_)) {}

std::string JsonClient::handle(std::string_view event_json, int64_t now_ms) {
  json effects = json::array();
  if (!config_error_.empty()) {  // reported once, with the first event
    effects.push_back(encode_effect(Log{"error", config_error_}));
    config_error_.clear();
  }
  Event event;
  if (auto err = decode_event_into(event_json, event)) {
    effects.push_back(encode_effect(Log{"error", "bad event (" + err->code + "): " + err->detail}));
    return dump(effects);
  }
  client_.handle(event, now_ms);
  client_.drain([&effects](const Effect& e) { effects.push_back(encode_effect(e)); });
  return dump(effects);
}

std::string JsonClient::identity_json() const {
  const CheckedVisitor& v = client_.identity().visitor();
  json out = json_object({{"identified", v.has_value()}});
  if (v && !v->id.empty()) out["visitor_id"] = v->id;
  return dump(out);
}

int64_t JsonClient::next_deadline() const {
  auto d = client_.next_deadline();
  return d ? *d : -1;
}

std::string JsonClient::stats_json() const {
  const Stats s = client_.stats();
  return dump(json_object({{"messages_sent", s.messages_sent}, {"blocked_sends", s.blocked_sends},
               {"retries", s.retries}, {"protocol_errors", s.protocol_errors},
               {"connect_attempts", s.connect_attempts}, {"sessions_opened", s.sessions_opened},
               {"reconnects", s.reconnects}, {"fresh_starts", s.fresh_starts},
               {"voice_calls", s.voice_calls}, {"barge_ins", s.barge_ins}, {"session_ms", s.session_ms}}));
}

}  // namespace natter
