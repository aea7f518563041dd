#include "json_client.hpp"
#include "json_limits.hpp"

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "codec.hpp"

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

}  // namespace

Config config_from_json(std::string_view text, std::string* error) {
  Config c;
  auto note = [&](const std::string& what) { if (error && error->empty()) *error = what; };
  json j = parse_json(text);
  if (j.is_discarded() || !j.is_object()) { note("config is not a JSON object"); return c; }
  auto str = [&](const char* key, std::string& out) {
    auto it = j.find(key);
    if (it == j.end()) return;
    if (it->is_string()) out = it->get_ref<const std::string&>();
    else note(std::string("config '") + key + "' must be a string");
  };
  auto uint = [&](const char* key, uint32_t& out) {
    auto it = j.find(key);
    if (it == j.end()) return;
    if (it->is_number_unsigned()) out = static_cast<uint32_t>(it->get<uint64_t>());
    else note(std::string("config '") + key + "' must be a non-negative integer");
  };
  auto seed = [&](const char* key, uint64_t& out) {
    std::string s;
    str(key, s);
    if (!s.empty() && !parse_hex64(s, out)) note(std::string("config '") + key + "' must be 1-16 hex digits");
  };
  str("chat_url", c.chat_url);
  str("conversation_id", c.conversation_id);
  uint("max_text_chars", c.max_text_chars);
  uint("max_auto_retries", c.max_auto_retries);
  seed("seed_hi", c.seed_hi);
  seed("seed_lo", c.seed_lo);
  str("session_url", c.session_url);
  str("tab_id", c.tab_id);
  str("build", c.build);
  str("version", c.version);
  str("channel_url", c.channel_url);
  auto wall = [&](const char* key, int64_t& out) {
    auto it = j.find(key);
    if (it == j.end()) return;
    if (it->is_number_integer() && it->get<int64_t>() >= 0) out = it->get<int64_t>();
    else note(std::string("config '") + key + "' must be a non-negative integer (ms since 1970)");
  };
  wall("wall_now_ms", c.wall_now_ms);
  wall("last_reload_wall_ms", c.last_reload_wall_ms);
  str("token_url", c.token_url);
  str("continue_secret", c.continue_secret);
  str("voice_missing", c.voice_missing);
  if (auto rtc = j.find("rtc"); rtc != j.end() && rtc->is_boolean()) c.rtc = rtc->get<bool>();
  str("resume_token", c.resume_token);
  auto seq = j.find("last_event_seq");
  if (seq != j.end()) {
    if (seq->is_number_unsigned()) c.last_event_seq = seq->get<uint64_t>();
    else note("config 'last_event_seq' must be a non-negative integer");
  }
  auto outbox = j.find("outbox");
  if (outbox != j.end()) {
    if (outbox->is_array()) c.outbox_json = outbox->dump(-1, ' ', false, json::error_handler_t::replace);
    else note("config 'outbox' must be an array");
  }
  auto transcript = j.find("transcript");
  if (transcript != j.end()) {
    if (transcript->is_array()) c.transcript_json = transcript->dump(-1, ' ', false, json::error_handler_t::replace);
    else note("config 'transcript' must be an array");
  }
  auto saved = j.find("saved");
  if (saved != j.end()) {
    if (saved->is_array()) c.saved_json = saved->dump(-1, ' ', false, json::error_handler_t::replace);
    else note("config 'saved' must be an array");
  }
  if (auto it = j.find("save_products"); it != j.end() && it->is_boolean()) c.save_products = it->get<bool>();
  if (auto it = j.find("multiple_conversations"); it != j.end() && it->is_boolean())
    c.multiple_conversations = it->get<bool>();
  str("conversations_json", c.conversations_json);
  auto visitor = j.find("visitor");
  if (visitor != j.end()) {
    if (visitor->is_object()) c.visitor_json = visitor->dump(-1, ' ', false, json::error_handler_t::replace);
    else if (!visitor->is_null()) note("config 'visitor' must be an object");
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
  auto decoded = decode_event(event_json);
  if (auto* err = std::get_if<CodecError>(&decoded)) {
    effects.push_back(encode_effect(Log{"error", "bad event (" + err->code + "): " + err->detail}));
    return dump(effects);
  }
  client_.handle(std::get<Event>(decoded), now_ms);
  while (auto e = client_.poll()) effects.push_back(encode_effect(*e));
  return dump(effects);
}

std::string JsonClient::identity_json() const {
  const CheckedVisitor& v = client_.identity().visitor();
  json out = {{"identified", v.has_value()}};
  if (v && !v->id.empty()) out["visitor_id"] = v->id;
  return dump(out);
}

int64_t JsonClient::next_deadline() const {
  auto d = client_.next_deadline();
  return d ? *d : -1;
}

std::string JsonClient::stats_json() const {
  const Stats s = client_.stats();
  return dump({{"messages_sent", s.messages_sent}, {"blocked_sends", s.blocked_sends},
               {"retries", s.retries}, {"protocol_errors", s.protocol_errors},
               {"connect_attempts", s.connect_attempts}, {"sessions_opened", s.sessions_opened},
               {"reconnects", s.reconnects}, {"fresh_starts", s.fresh_starts},
               {"voice_calls", s.voice_calls}, {"barge_ins", s.barge_ins}, {"session_ms", s.session_ms}});
}

}  // namespace natter
