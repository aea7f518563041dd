#include "session/session_frames.hpp"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "boundary/json_limits.hpp"

namespace natter {
namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool read_string(const json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return false;
  out = it->get_ref<const std::string&>();
  return true;
}

ProtocolError bad(const std::string& what) { return ProtocolError{"wrong_type", what}; }

constexpr std::size_t kMaxTranscriptChars = 4000;
constexpr std::size_t kMaxTranscriptProducts = 8;
constexpr std::size_t kMaxStaffNameBytes = 400;  // 100 characters of up to 4 bytes

// A `control` event's data, or a welcome's `control` (docs/protocol.md,
// "Handoff to a person"): the state, the queue position, who.
std::variant<ControlEvent, ProtocolError> decode_control(const json& d) {
  if (!d.is_object()) return bad("control data must be an object");
  ControlEvent c;
  if (!read_string(d, "state", c.state) ||
      (c.state != "ai" && c.state != "waiting" && c.state != "person" && c.state != "unavailable"))
    return bad("control.state must be \"ai\", \"waiting\", \"person\" or \"unavailable\"");
  auto pos = d.find("position");
  if (pos != d.end() && pos->is_number_unsigned()) c.position = std::min<uint64_t>(pos->get<uint64_t>(), 1000000);
  auto wait = d.find("wait_s");
  if (wait != d.end() && wait->is_number_unsigned()) c.wait_s = std::min<uint64_t>(wait->get<uint64_t>(), 86400);
  auto by = d.find("by");
  if (by != d.end() && by->is_object() && read_string(*by, "name", c.name) && c.name.size() > kMaxStaffNameBytes)
    return bad("control.by.name is too long");
  return c;
}

std::variant<VoiceTranscript, ProtocolError> decode_voice_transcript(const json& d) {
  if (!d.is_object()) return bad("voice.transcript data must be an object");
  VoiceTranscript v;
  std::string role;
  if (!read_string(d, "call_id", v.call_id)) return bad("voice.transcript.call_id");
  if (!read_string(d, "role", role) || (role != "shopper" && role != "agent"))
    return bad("voice.transcript.role must be \"shopper\" or \"agent\"");
  v.agent = role == "agent";
  if (!read_string(d, "text", v.text)) return bad("voice.transcript.text");
  if (v.text.size() > kMaxTranscriptChars) return ProtocolError{"too_large", "voice.transcript.text is too long"};
  auto flag = [&](const char* k, bool& out) { auto it = d.find(k); if (it != d.end() && it->is_boolean()) out = it->get<bool>(); };
  flag("final", v.final);
  flag("cut", v.cut);
  auto products = d.find("products");
  if (products != d.end()) {
    if (!products->is_array()) return bad("voice.transcript.products must be an array");
    for (const auto& p : *products) {
      if (v.products.size() >= kMaxTranscriptProducts) break;
      AgentEvent card;
      if (auto err = decode_agent_event_value("card", json_object({{"product", p}}), card))
        return std::move(*err);  // an unsafe link refuses the whole frame
      v.products.push_back(std::move(std::get<AgentCard>(card)));
    }
  }
  return v;
}

// The gateway's ICE servers, re-built from the keys RTCPeerConnection takes:
// at most 8, each with stun:/turn:/turns: urls (a string or up to 4) and
// optional short username and credential strings. Anything else: nullopt.
std::optional<json> check_ice_servers(const json& servers) {
  if (!servers.is_array() || servers.size() > 8) return std::nullopt;
  auto url_ok = [](const json& u) {
    if (!u.is_string()) return false;
    const auto& s = u.get_ref<const std::string&>();
    return s.size() <= 256 && (s.rfind("stun:", 0) == 0 || s.rfind("turn:", 0) == 0 || s.rfind("turns:", 0) == 0);
  };
  json out = json::array();
  for (const auto& s : servers) {
    if (!s.is_object()) return std::nullopt;
    auto urls = s.find("urls");
    if (urls == s.end()) return std::nullopt;
    if (urls->is_array()) {
      if (urls->empty() || urls->size() > 4 || !std::all_of(urls->begin(), urls->end(), url_ok)) return std::nullopt;
    } else if (!url_ok(*urls)) {
      return std::nullopt;
    }
    json one = json_object({{"urls", *urls}});
    for (const char* key : {"username", "credential"}) {
      auto v = s.find(key);
      if (v == s.end()) continue;
      if (!v->is_string() || v->get_ref<const std::string&>().size() > 256) return std::nullopt;
      one[key] = *v;
    }
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace

std::string encode_hello(const Hello& h) {
  json hello = json_object({{"type", "hello"}, {"v", kSessionProtocolVersion}, {"session_id", h.session_id},
                {"resume_token", h.resume_token}, {"last_event_seq", h.last_event_seq},
                {"tab_id", h.tab_id}, {"build", h.build}});
  if (!h.visitor_json.empty()) hello["visitor"] = parse_json(h.visitor_json);
  if (!h.auth.empty()) hello["auth"] = h.auth;
  if (!h.conversation_key.empty()) hello["conversation_key"] = h.conversation_key;
  if (h.revoke) hello["revoke"] = true;
  // control events and staff authors (handoff); typing, read events and email_saved (presence);
  // the agent's reply chips and link buttons (suggestions); the agent's proposed
  // actions in the page, drawn as a confirm card (actions)
  hello["features"] = json::array({"handoff", "presence", "suggestions", "actions"});
  if (h.rtc) hello["features"].push_back("rtc");  // voice over WebRTC (voice_ladder.hpp)
  return dump(hello);
}

std::string encode_continue_offer(const nlohmann::json& saved) {
  nlohmann::json j = json_object({{"type", "continue.offer"}});
  if (saved.is_array() && !saved.empty()) j["saved"] = saved;
  return dump(j);
}

std::string encode_identify(const json& visitor) { return dump(json_object({{"type", "identify"}, {"visitor", visitor}})); }

std::string encode_msg(const std::string& message_id, const std::string& text, const std::string& context_json) {
  json msg = json_object({{"type", "msg"}, {"message_id", message_id}, {"text", text}});
  if (!context_json.empty()) msg["context"] = parse_json(context_json);
  return dump(msg);
}

std::string encode_ping(int64_t t) { return dump(json_object({{"type", "ping"}, {"t", t}})); }

std::string encode_voice_start(const std::string& call_id, bool greeting) {
  return dump(json_object({{"type", "voice.start"}, {"call_id", call_id}, {"greeting", greeting}}));
}

std::string encode_voice_end(const std::string& call_id) {
  return dump(json_object({{"type", "voice.end"}, {"call_id", call_id}}));
}

std::string encode_voice_rtc_request(const std::string& call_id) {
  return dump(json_object({{"type", "voice.rtc_request"}, {"call_id", call_id}}));
}

std::string encode_voice_rtc_offer(const std::string& call_id, uint32_t pc_id, const std::string& sdp, bool restart) {
  json offer = json_object({{"type", "voice.rtc_offer"}, {"call_id", call_id}, {"pc_id", pc_id}, {"sdp", sdp}});
  if (restart) offer["restart"] = true;  // absent on a new connection: the frame old gateways know
  return dump(offer);
}

std::string encode_voice_rtc_close(const std::string& call_id, uint32_t pc_id) {
  return dump(json_object({{"type", "voice.rtc_close"}, {"call_id", call_id}, {"pc_id", pc_id}}));
}

std::string encode_voice_barge_in(const std::string& call_id) {
  return dump(json_object({{"type", "voice.barge_in"}, {"call_id", call_id}}));
}

std::string encode_handoff_email(const std::string& email_id, const std::string& email) {
  return dump(json_object({{"type", "handoff.email"}, {"email_id", email_id}, {"email", email}}));
}

namespace {

// One decoder per frame type, reached through kFrameDecoders, a table of
// function pointers (as codec.cpp's kEventDecoders): each stays a function
// of its own in the WASM, so the core's split leaves the frames no first
// chat receives (voice, WebRTC, handoff, continue) in its second part.
using Frame = std::optional<ProtocolError>;
using FrameDecoder = Frame (*)(const json& j, const std::string& type, ServerFrame& out);
struct FrameDecoderEntry {
  std::string_view type;
  FrameDecoder decode;
};

Frame decode_welcome(const json& j, const std::string&, ServerFrame& out) {
  Welcome w;
  // The id this tab continues under (it may differ from the hello's): an id, never a blob.
  if (!read_string(j, "session_id", w.session_id) || w.session_id.empty() || w.session_id.size() > kMaxSessionIdChars)
    return bad("welcome.session_id must be a string of 1..256 characters");
  read_string(j, "resume_token", w.resume_token);
  read_string(j, "build", w.build);
  read_string(j, "min_client", w.min_client);
  if (w.min_client.size() > 64) w.min_client.clear();  // not a version: ignored
  auto minp = j.find("min_protocol");
  if (minp != j.end() && minp->is_number_unsigned())
    w.min_protocol = static_cast<int>(std::min<uint64_t>(minp->get<uint64_t>(), 1000000));
  auto flag = [&](const char* k, bool& out) { auto it = j.find(k); if (it != j.end() && it->is_boolean()) out = it->get<bool>(); };
  flag("resumed", w.resumed);
  std::string device;
  w.second_device = read_string(j, "device", device) && device == "second";
  flag("replaced", w.replaced);
  auto acked = j.find("acked");
  if (acked != j.end()) {
    if (!acked->is_array()) return bad("welcome.acked must be an array");
    for (const auto& id : *acked)
      if (id.is_string() && w.acked.size() < 1000) w.acked.push_back(id.get<std::string>());
  }
  auto seq = j.find("event_seq");
  if (seq != j.end() && seq->is_number_unsigned()) w.event_seq = seq->get<uint64_t>();
  auto hb = j.find("heartbeat_ms");
  if (hb != j.end() && hb->is_number_unsigned()) w.heartbeat_ms = std::clamp<int64_t>(hb->get<int64_t>(), 5000, 60000);
  auto control = j.find("control");  // who controls the conversation now (a server that says)
  if (control != j.end()) {
    auto c = decode_control(*control);
    if (auto* ok = std::get_if<ControlEvent>(&c); ok && ok->state != "unavailable") w.control = *ok;
  }
  return decoded_into(out, std::move(w));
}

Frame decode_ack(const json& j, const std::string&, ServerFrame& out) {
  Ack a;
  if (!read_string(j, "message_id", a.message_id)) return bad("ack.message_id");
  return decoded_into(out, std::move(a));
}

// The data of the events that are not the agent's reply (held, a read
// mark, control, a call's transcript), through a table too. `d` is the
// event's data, null when it has none.
using EventDataDecoder = Frame (*)(const json* d, ServerEvent& e);
struct EventDataDecoderEntry {
  std::string_view name;
  EventDataDecoder decode;
};
const json kNoData = json::object();  // an event without data reads as {}

Frame decode_held(const json*, ServerEvent& e) {
  e.held = true;
  return std::nullopt;
}

Frame decode_read_mark(const json* data, ServerEvent& e) {
  const json& d = data ? *data : kNoData;
  ReadMark r;
  if (!d.is_object() || !read_string(d, "through", r.through) || r.through.empty() ||
      r.through.size() > kMaxSessionIdChars)
    return bad("read.through must be a message id");
  auto by = d.find("by");
  if (by != d.end() && by->is_object()) read_string(*by, "name", r.by);
  if (r.by.size() > kMaxStaffNameBytes) return bad("read.by.name is too long");
  e.read = r;
  return std::nullopt;
}

Frame decode_control_event(const json* data, ServerEvent& e) {
  auto control = decode_control(data ? *data : kNoData);
  if (auto* err = std::get_if<ProtocolError>(&control)) return *err;
  e.control = std::get<ControlEvent>(control);
  return std::nullopt;
}

Frame decode_transcript_event(const json* data, ServerEvent& e) {
  if (!data) return bad("voice.transcript.data");
  auto voice = decode_voice_transcript(*data);
  if (auto* err = std::get_if<ProtocolError>(&voice)) return *err;
  e.voice = std::move(std::get<VoiceTranscript>(voice));
  return std::nullopt;
}

const EventDataDecoderEntry kEventDataDecoders[] = {
    {"held", decode_held},
    {"read", decode_read_mark},
    {"control", decode_control_event},
    {"voice.transcript", decode_transcript_event},
};

Frame decode_event(const json& j, const std::string&, ServerFrame& out) {
  ServerEvent e;
  auto seq = j.find("seq");
  if (seq == j.end() || !seq->is_number_unsigned()) return bad("event.seq must be a non-negative integer");
  e.seq = seq->get<uint64_t>();
  std::string name;
  if (!read_string(j, "reply_to", e.reply_to)) return bad("event.reply_to");
  if (!read_string(j, "event", name)) return bad("event.event");
  auto found = j.find("data");
  const json* data = found == j.end() ? nullptr : &*found;
  const auto* kind = std::find_if(std::begin(kEventDataDecoders), std::end(kEventDataDecoders),
                                  [&name](const EventDataDecoderEntry& k) { return k.name == name; });
  Frame err = kind != std::end(kEventDataDecoders) ? kind->decode(data, e)
                                                    : decode_agent_event_value(name, data ? *data : kNoData, e.event);
  if (err) return err;
  return decoded_into(out, std::move(e));
}

Frame decode_pong(const json&, const std::string&, ServerFrame& out) { return decoded_into(out, Pong{}); }

Frame decode_typing(const json& j, const std::string&, ServerFrame& out) {
  StaffTyping t;
  if (!read_string(j, "name", t.name) || t.name.empty() || t.name.size() > kMaxStaffNameBytes)
    return bad("typing.name must be a staff member's name");
  auto seq = j.find("seq");
  if (seq != j.end() && seq->is_number_unsigned()) t.seq = seq->get<uint64_t>();
  return decoded_into(out, std::move(t));
}

Frame decode_email_saved(const json& j, const std::string&, ServerFrame& out) {
  EmailSaved e;
  if (!read_string(j, "email_id", e.email_id)) return bad("handoff.email_saved.email_id");
  return decoded_into(out, std::move(e));
}

Frame decode_error(const json& j, const std::string&, ServerFrame& out) {
  ServerError e;
  read_string(j, "code", e.code);
  read_string(j, "message", e.message);
  read_string(j, "call_id", e.call_id);
  return decoded_into(out, std::move(e));
}

Frame decode_voice_started(const json& j, const std::string&, ServerFrame& out) {
  VoiceStarted v;
  if (!read_string(j, "call_id", v.call_id)) return bad("voice.started.call_id");
  auto rtc = j.find("rtc");
  v.rtc = rtc != j.end() && rtc->is_boolean() && rtc->get<bool>();
  return decoded_into(out, std::move(v));
}

Frame decode_voice_agent(const json& j, const std::string&, ServerFrame& out) {
  VoiceAgent v;
  std::string state;
  if (!read_string(j, "call_id", v.call_id)) return bad("voice.agent.call_id");
  if (!read_string(j, "state", state) || (state != "start" && state != "end"))
    return bad("voice.agent.state must be \"start\" or \"end\"");
  v.start = state == "start";
  auto n = j.find("utterance");
  if (n != j.end() && n->is_number_unsigned()) v.utterance = n->get<uint64_t>();
  read_string(j, "reason", v.reason);
  return decoded_into(out, std::move(v));
}

Frame decode_continue_offered(const json& j, const std::string&, ServerFrame& out) {
  ContinueOffered c;
  if (!read_string(j, "secret", c.secret) || c.secret.empty() || c.secret.size() > 64) return bad("continue.offered.secret");
  if (!read_string(j, "code", c.code) || c.code.empty() || c.code.size() > 16) return bad("continue.offered.code");
  auto ms = j.find("expires_in_ms");
  if (ms == j.end() || !ms->is_number_unsigned()) return bad("continue.offered.expires_in_ms");
  c.expires_in_ms = static_cast<int64_t>(std::min<uint64_t>(ms->get<uint64_t>(), 86400000));
  return decoded_into(out, std::move(c));
}

Frame decode_voice_closed(const json& j, const std::string&, ServerFrame& out) {
  VoiceClosed v;
  if (!read_string(j, "call_id", v.call_id)) return bad("voice.closed.call_id");
  return decoded_into(out, std::move(v));
}

Frame decode_rtc_config(const json& j, const std::string&, ServerFrame& out) {
  RtcConfigFrame v;
  if (!read_string(j, "call_id", v.call_id)) return bad("voice.rtc_config.call_id");
  auto servers = j.find("ice_servers");
  if (servers == j.end()) return bad("voice.rtc_config.ice_servers");
  auto checked = check_ice_servers(*servers);
  if (!checked) return bad("voice.rtc_config.ice_servers must be a short array of {urls, username?, credential?}");
  v.ice_servers_json = dump(*checked);
  return decoded_into(out, std::move(v));
}

// voice.rtc_answer and voice.rtc_closed: a call's peer connection, by id.
Frame decode_rtc_peer(const json& j, const std::string& type, ServerFrame& out) {
  std::string call_id;
  if (!read_string(j, "call_id", call_id)) return bad(type + ".call_id");
  auto pc = j.find("pc_id");
  if (pc == j.end() || !pc->is_number_unsigned() || pc->get<uint64_t>() > UINT32_MAX) return bad(type + ".pc_id");
  const auto pc_id = static_cast<uint32_t>(pc->get<uint64_t>());
  if (type == "voice.rtc_closed") {
    RtcClosedFrame v{call_id, pc_id, ""};
    read_string(j, "reason", v.reason);
    return decoded_into(out, std::move(v));
  }
  RtcAnswerFrame v{call_id, pc_id, ""};
  if (!read_string(j, "sdp", v.sdp) || v.sdp.empty()) return bad("voice.rtc_answer.sdp");
  return decoded_into(out, std::move(v));
}

const FrameDecoderEntry kFrameDecoders[] = {
    {"welcome", decode_welcome},
    {"ack", decode_ack},
    {"event", decode_event},
    {"pong", decode_pong},
    {"typing", decode_typing},
    {"handoff.email_saved", decode_email_saved},
    {"error", decode_error},
    {"voice.started", decode_voice_started},
    {"voice.agent", decode_voice_agent},
    {"continue.offered", decode_continue_offered},
    {"voice.closed", decode_voice_closed},
    {"voice.rtc_config", decode_rtc_config},
    {"voice.rtc_answer", decode_rtc_peer},
    {"voice.rtc_closed", decode_rtc_peer},
};

}  // namespace

std::optional<ProtocolError> decode_server_frame_into(std::string_view text, ServerFrame& out) {
  JsonResult parsed = parse_json_limited(text);
  if (!parsed.ok()) return ProtocolError{parsed.error_code, "session frame: " + parsed.error_code};
  const json& j = parsed.value;
  if (!j.is_object()) return bad("a session frame must be a JSON object");
  std::string type;
  if (!read_string(j, "type", type)) return bad("session frame without a string 'type'");
  const auto* kind = std::find_if(std::begin(kFrameDecoders), std::end(kFrameDecoders),
                                  [&type](const FrameDecoderEntry& k) { return k.type == type; });
  if (kind == std::end(kFrameDecoders)) return decoded_into(out, UnknownFrame{type});
  return kind->decode(j, type, out);
}

}  // namespace natter
