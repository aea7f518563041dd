#include "codec.hpp"
#include "json_limits.hpp"

#include <algorithm>
#include <iterator>
#include <type_traits>

namespace natter {
namespace {

using nlohmann::json;

// Field readers: a missing optional field keeps the default; a present
// field of the wrong type is an error (never a throw: exceptions are off).
struct Reader {
  const json& j;
  std::string error;

  void str(const char* key, std::string& out, bool required = true) {
    auto it = j.find(key);
    if (it == j.end()) { if (required) fail(key, "missing"); return; }
    if (!it->is_string()) return fail(key, "not a string");
    out = it->get_ref<const std::string&>();
  }
  void boolean(const char* key, bool& out) {
    auto it = j.find(key);
    if (it == j.end()) return;
    if (!it->is_boolean()) return fail(key, "not a boolean");
    out = it->get<bool>();
  }
  template <typename Int>
  void integer(const char* key, Int& out, bool required = true) {
    auto it = j.find(key);
    if (it == j.end()) { if (required) fail(key, "missing"); return; }
    if (!it->is_number_integer()) return fail(key, "not an integer");
    out = static_cast<Int>(it->get<int64_t>());
  }
  void fail(const char* key, const char* why) {
    if (error.empty()) error = std::string("field '") + key + "' " + why;
  }
};

json encode_line(const Line& line) {
  json spans = json::array();
  for (const Span& s : line)
    spans.push_back(json_object({{"text", s.text}, {"bold", s.bold}, {"italic", s.italic}, {"href", s.href}}));
  return spans;
}

const char* kind_name(Block::Kind k) {
  switch (k) {
    case Block::Kind::BulletList: return "bullet_list";
    case Block::Kind::NumberedList: return "numbered_list";
    case Block::Kind::Paragraph: break;
  }
  return "paragraph";
}

// Payloads of host events are JSON text made by the core itself.
json embedded(const std::string& text) {
  json j = parse_json(text);
  return j.is_discarded() ? json::object() : j;
}

}  // namespace

namespace {

// One decoder per event type, reached through kEventDecoders, a table of
// function pointers: in the WASM each stays a function of its own (neither
// LLVM nor binaryen inlines a call through a table), so the core's split
// (tools/bundle/split-core.mjs) leaves the decoders no first chat reaches in
// its second part instead of all of them inlined into one function.
using EventDecoder = void (*)(Reader&, Event&);
struct EventDecoderEntry {
  std::string_view type;
  EventDecoder decode;
};
template <typename T>
void no_fields(Reader&, Event& out) { out = T{}; }
// A nested JSON value kept as its text (the core reads it later).
void json_text(Reader& r, const char* key, std::string& out, bool arrays_only) {
  auto it = r.j.find(key);
  if (it == r.j.end() || (arrays_only && !it->is_array())) return;
  out = it->dump(-1, ' ', false, json::error_handler_t::replace);
}

const EventDecoderEntry kEventDecoders[] = {
  {"tick", no_fields<Tick>},
  {"enter_pressed", [](Reader& r, Event& out) {
     EnterPressed e;
     r.str("text", e.text);
     r.boolean("shift", e.shift);
     r.boolean("composing", e.composing);
     r.boolean("repeat", e.repeat);
     out = std::move(e);
   }},
  {"send_clicked", [](Reader& r, Event& out) { SendClicked e; r.str("text", e.text); out = std::move(e); }},
  {"host_send", [](Reader& r, Event& out) { HostSend e; r.str("text", e.text); out = std::move(e); }},
  {"host_identify", [](Reader& r, Event& out) {
     HostIdentify e;
     json_text(r, "visitor", e.value_json, false);
     out = std::move(e);
   }},
  {"composer_changed", [](Reader& r, Event& out) { ComposerChanged e; r.integer("chars", e.chars); out = std::move(e); }},
  {"retry_clicked", [](Reader& r, Event& out) { RetryClicked e; r.str("message_id", e.message_id); out = std::move(e); }},
  {"conversation_new_clicked", no_fields<ConversationNewClicked>},
  {"conversation_switch_clicked", [](Reader& r, Event& out) {
     ConversationSwitchClicked e; r.str("id", e.id); out = std::move(e);
   }},
  {"product_save_toggled", [](Reader& r, Event& out) {
     ProductSaveToggled e; r.str("product_id", e.product_id); out = std::move(e);
   }},
  {"http_responded", [](Reader& r, Event& out) {
     HttpResponded e;
     r.integer("request_id", e.request_id);
     r.integer("status", e.status);
     r.integer("retry_after_ms", e.retry_after_ms, false);
     out = std::move(e);
   }},
  {"http_body", [](Reader& r, Event& out) {
     HttpBody e; r.integer("request_id", e.request_id); r.str("chunk", e.chunk); out = std::move(e);
   }},
  {"http_ended", [](Reader& r, Event& out) { HttpEnded e; r.integer("request_id", e.request_id); out = std::move(e); }},
  {"http_failed", [](Reader& r, Event& out) {
     HttpFailed e; r.integer("request_id", e.request_id); r.str("reason", e.reason, false); out = std::move(e);
   }},
  {"session_wanted", no_fields<SessionWanted>},
  {"session_closed_by_host", no_fields<SessionClosedByHost>},
  {"retry_now_clicked", no_fields<RetryNowClicked>},
  {"handoff_requested", no_fields<HandoffRequested>},
  {"handoff_email_submitted", [](Reader& r, Event& out) {
     HandoffEmailSubmitted e; r.str("email", e.email); out = std::move(e);
   }},
  {"ws_opened", [](Reader& r, Event& out) { WsOpened e; r.integer("conn_id", e.conn_id); out = std::move(e); }},
  {"ws_frame", [](Reader& r, Event& out) {
     WsFrame e; r.integer("conn_id", e.conn_id); r.str("text", e.text); out = std::move(e);
   }},
  {"ws_closed", [](Reader& r, Event& out) {
     WsClosed e;
     r.integer("conn_id", e.conn_id);
     r.integer("code", e.code, false);
     r.str("reason", e.reason, false);
     r.boolean("was_open", e.was_open);
     out = std::move(e);
   }},
  {"probe_answered", [](Reader& r, Event& out) {
     ProbeAnswered e;
     r.integer("conn_id", e.conn_id);
     r.integer("status", e.status);
     r.integer("retry_after_ms", e.retry_after_ms, false);
     out = std::move(e);
   }},
  {"network_changed", [](Reader& r, Event& out) {
     NetworkChanged e;
     r.boolean("online", e.online);
     r.str("link", e.link, false);
     r.boolean("link_change", e.link_change);
     out = std::move(e);
   }},
  {"visibility_changed", [](Reader& r, Event& out) {
     VisibilityChanged e; r.boolean("visible", e.visible); out = std::move(e);
   }},
  {"voice_start_clicked", no_fields<VoiceStartClicked>},
  {"voice_end_clicked", no_fields<VoiceEndClicked>},
  {"voice_host_end", no_fields<VoiceHostEnd>},
  {"voice_mute_clicked", [](Reader& r, Event& out) { VoiceMuteClicked e; r.boolean("muted", e.muted); out = std::move(e); }},
  {"mic_answered", [](Reader& r, Event& out) { MicAnswered e; r.str("result", e.result); out = std::move(e); }},
  {"speech_activity", [](Reader& r, Event& out) {
     SpeechActivity e; r.boolean("speaking", e.speaking); out = std::move(e);
   }},
  {"playback_drained", no_fields<PlaybackDrained>},
  {"voice_runtime_loaded", no_fields<VoiceRuntimeLoaded>},
  {"voice_runtime_failed", [](Reader& r, Event& out) {
     VoiceRuntimeFailed e; r.str("reason", e.reason, false); out = std::move(e);
   }},
  {"token_received", [](Reader& r, Event& out) {
     TokenReceived e;
     r.integer("request_id", e.request_id);
     r.str("token", e.token);
     r.integer("expires_in_s", e.expires_in_s);
     out = std::move(e);
   }},
  {"token_failed", [](Reader& r, Event& out) {
     TokenFailed e;
     r.integer("request_id", e.request_id);
     r.integer("status", e.status, false);
     r.str("reason", e.reason, false);
     out = std::move(e);
   }},
  {"rtc_offer_ready", [](Reader& r, Event& out) {
     RtcOfferReady e; r.integer("pc_id", e.pc_id); r.str("sdp", e.sdp); out = std::move(e);
   }},
  {"rtc_channel_open", [](Reader& r, Event& out) {
     RtcChannelOpen e;
     r.integer("pc_id", e.pc_id);
     r.str("candidate_type", e.candidate_type, false);
     r.str("relay_protocol", e.relay_protocol, false);
     out = std::move(e);
   }},
  {"rtc_pong", [](Reader& r, Event& out) {
     RtcPong e;
     r.integer("pc_id", e.pc_id);
     r.str("text", e.text, false);
     r.integer("received", e.received, false);
     r.integer("expected", e.expected, false);
     out = std::move(e);
   }},
  {"rtc_failed", [](Reader& r, Event& out) {
     RtcFailed e; r.integer("pc_id", e.pc_id); r.str("reason", e.reason, false); out = std::move(e);
   }},
  {"channel_read", [](Reader& r, Event& out) {
     ChannelRead e;
     r.boolean("ok", e.ok);
     r.str("version", e.version, false);
     r.str("build", e.build, false);
     out = std::move(e);
   }},
  {"continue_offer_clicked", no_fields<ContinueOfferClicked>},
  {"continue_offer_dismissed", no_fields<ContinueOfferDismissed>},
  {"revoke_clicked", no_fields<RevokeClicked>},
  {"continue_code_entered", [](Reader& r, Event& out) {
     ContinueCodeEntered e; r.str("code", e.code); out = std::move(e);
   }},
  {"continue_redeemed", [](Reader& r, Event& out) {
     ContinueRedeemed e;
     r.integer("request_id", e.request_id);
     r.integer("status", e.status);
     r.str("code", e.code, false);
     r.str("session_id", e.session_id, false);
     r.str("resume_token", e.resume_token, false);
     r.integer("last_event_seq", e.last_event_seq, false);
     json_text(r, "transcript", e.transcript_json, true);
     json_text(r, "saved", e.saved_json, true);
     out = std::move(e);
   }},
};

}  // namespace

std::optional<CodecError> decode_event_into(std::string_view text, Event& out) {
  out = Tick{};
  json j = parse_json(text);
  if (j.is_discarded() || !j.is_object()) return CodecError{"malformed", "an event must be a JSON object"};
  auto type_it = j.find("type");
  if (type_it == j.end() || !type_it->is_string()) return CodecError{"malformed", "field 'type' missing"};
  const std::string& type = type_it->get_ref<const std::string&>();
  const auto* kind = std::find_if(std::begin(kEventDecoders), std::end(kEventDecoders),
                                  [&type](const EventDecoderEntry& k) { return k.type == type; });
  if (kind == std::end(kEventDecoders)) return CodecError{"unknown_type", "unknown event type '" + type + "'"};
  Reader r{j, {}};
  kind->decode(r, out);
  if (!r.error.empty()) return CodecError{"wrong_type", type + ": " + r.error};
  return std::nullopt;
}

json encode_rich_text(const RichText& text) {
  json blocks = json::array();
  for (const Block& b : text.blocks) {
    json lines = json::array();
    for (const Line& l : b.lines) lines.push_back(encode_line(l));
    blocks.push_back(json_object({{"kind", kind_name(b.kind)}, {"lines", std::move(lines)}}));
  }
  return json_object({{"blocks", std::move(blocks)}});
}

json encode_effect(const Effect& effect) {
  return std::visit(
      [](const auto& e) -> json {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ConsumeKey>) return json_object({{"type", "consume_key"}});
        else if constexpr (std::is_same_v<T, ClearComposer>) return json_object({{"type", "clear_composer"}});
        else if constexpr (std::is_same_v<T, ComposerError>)
          return json_object({{"type", "composer_error"}, {"code", e.code}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, HttpRequest>) {
          json headers = json::array();
          for (const auto& [k, v] : e.headers) headers.push_back({k, v});
          return json_object({{"type", "http_request"}, {"request_id", e.request_id}, {"method", e.method},
                  {"url", e.url}, {"headers", std::move(headers)}, {"body", e.body}});
        } else if constexpr (std::is_same_v<T, HttpAbort>)
          return json_object({{"type", "http_abort"}, {"request_id", e.request_id}});
        else if constexpr (std::is_same_v<T, UserMessageShown>)
          return json_object({{"type", "user_message_shown"}, {"message_id", e.message_id}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, DeliveryChanged>) {
          json j = json_object({{"type", "delivery_changed"}, {"message_id", e.message_id}, {"state", e.state},
                    {"detail", e.detail}, {"can_retry", e.can_retry}, {"reason", e.reason}, {"reason_arg", e.reason_arg}});
          if (!e.receipt.empty()) j["receipt"] = e.receipt, j["by"] = e.by;  // live session only
          return j;
        }
        else if constexpr (std::is_same_v<T, AgentReplyUpdated>)
        {
          nlohmann::json j = json_object({{"type", "agent_reply_updated"}, {"reply_to", e.reply_to}, {"done", e.done},
                              {"content", encode_rich_text(e.content)}});
          if (!e.author.empty()) j["author"] = e.author;  // absent for the assistant
          return j;
        }
        else if constexpr (std::is_same_v<T, ProductCardShown>) {
          nlohmann::json j = json_object({{"type", "product_card_shown"}, {"reply_to", e.reply_to}, {"product_id", e.product_id},
                              {"name", e.name}, {"price", e.price}, {"currency", e.currency}, {"url", e.url},
                              {"image_url", e.image_url}});
          if (!e.savable) j["savable"] = false;  // absent: the default, so older transcripts stay as they were
          if (e.saved) j["saved"] = true;
          return j;
        }
        else if constexpr (std::is_same_v<T, ProductSavedChanged>)
          return json_object({{"type", "product_saved_changed"}, {"product_id", e.product_id}, {"saved", e.saved}});
        else if constexpr (std::is_same_v<T, Log>)
          return json_object({{"type", "log"}, {"level", e.level}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, HostEvent>)
          return json_object({{"type", "host_event"}, {"name", e.name}, {"payload", embedded(e.payload)}});
        else if constexpr (std::is_same_v<T, WsConnect>)
          return json_object({{"type", "ws_connect"}, {"conn_id", e.conn_id}, {"url", e.url}});
        else if constexpr (std::is_same_v<T, WsSend>)
          return json_object({{"type", "ws_send"}, {"conn_id", e.conn_id}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, WsClose>)
          return json_object({{"type", "ws_close"}, {"conn_id", e.conn_id}, {"code", e.code}, {"reason", e.reason}});
        else if constexpr (std::is_same_v<T, HttpProbe>)
          return json_object({{"type", "http_probe"}, {"conn_id", e.conn_id}, {"url", e.url}});
        else if constexpr (std::is_same_v<T, StatusChanged>)
          return json_object({{"type", "status_changed"}, {"state", e.state}, {"text", e.text}, {"retry_in_ms", e.retry_in_ms},
                  {"can_retry_now", e.can_retry_now}, {"diagnosis", e.diagnosis}, {"code", e.code},
                  {"diagnosis_code", e.diagnosis_code}, {"diagnosis_status", e.diagnosis_status}});
        else if constexpr (std::is_same_v<T, Persist>)
          return json_object({{"type", "persist"}, {"key", e.key}, {"value", e.value}});
        else if constexpr (std::is_same_v<T, NoticeShown>)
        {
          nlohmann::json j = json_object({{"type", "notice_shown"}, {"code", e.code}, {"text", e.text}});
          if (!e.arg.empty()) j["arg"] = e.arg;
          return j;
        }
        else if constexpr (std::is_same_v<T, VoiceRuntimeLoad>) return json_object({{"type", "voice_runtime_load"}});
        else if constexpr (std::is_same_v<T, MicrophoneRequested>) return json_object({{"type", "microphone_requested"}});
        else if constexpr (std::is_same_v<T, MicrophoneReleased>) return json_object({{"type", "microphone_released"}});
        else if constexpr (std::is_same_v<T, VoicePlayback>) 
          return json_object({{"type", "voice_playback"}, {"playing", e.playing}, {"conn_id", e.conn_id}});
        else if constexpr (std::is_same_v<T, VoiceUplink>)
          return json_object({{"type", "voice_uplink"}, {"conn_id", e.conn_id}, {"open", e.open}});
        else if constexpr (std::is_same_v<T, VoiceEchoGuard>) return json_object({{"type", "voice_echo_guard"}, {"on", e.on}});
        else if constexpr (std::is_same_v<T, ReloadPage>)
          return json_object({{"type", "reload_page"}, {"build", e.build}, {"reason", e.reason}});
        else if constexpr (std::is_same_v<T, ChannelCheck>) return json_object({{"type", "channel_check"}, {"url", e.url}});
        else if constexpr (std::is_same_v<T, TokenRequested>)
          return json_object({{"type", "token_requested"}, {"request_id", e.request_id}, {"url", e.url}});
        else if constexpr (std::is_same_v<T, VoiceStateChanged>)
          return json_object({{"type", "voice_state_changed"}, {"state", e.state}, {"muted", e.muted}});
        else if constexpr (std::is_same_v<T, VoiceTranscriptShown>)
          return json_object({{"type", "voice_transcript_shown"}, {"id", e.id}, {"role", e.role}, {"text", e.text},
                  {"final", e.final}, {"cut", e.cut}});
        else if constexpr (std::is_same_v<T, ContinueOfferChanged>)
          return json_object({{"type", "continue_offer"}, {"state", e.state}, {"secret", e.secret}, {"code", e.code},
                  {"expires_in_ms", e.expires_in_ms}});
        else if constexpr (std::is_same_v<T, ElsewhereChanged>)
          return json_object({{"type", "elsewhere_changed"}, {"elsewhere", e.elsewhere}, {"can_revoke", e.can_revoke}});
        else if constexpr (std::is_same_v<T, ContinueRedeem>)
          return json_object({{"type", "continue_redeem"}, {"request_id", e.request_id}, {"url", e.url}, {"secret", e.secret},
                  {"code", e.code}});
        else if constexpr (std::is_same_v<T, ConversationsShown>) {
          json items = json::array();
          for (const auto& c : e.items) items.push_back(json_object({{"id", c.id}, {"title", c.title}, {"last_ms", c.last_ms}}));
          return json_object({{"type", "conversations_shown"}, {"current", e.current}, {"items", items}});
        }
        else if constexpr (std::is_same_v<T, ConversationOpen>) return json_object({{"type", "conversation_open"}, {"id", e.id}});
        else if constexpr (std::is_same_v<T, HandoffOffer>) return json_object({{"type", "handoff_offer"}, {"shown", e.shown}});
        else if constexpr (std::is_same_v<T, HandoffEmailForm>)
          return json_object({{"type", "handoff_email_form"}, {"state", e.state}, {"email", e.email}, {"code", e.code}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, TypingChanged>)
          return json_object({{"type", "typing_changed"}, {"typing", e.typing}, {"name", e.name}});
        else if constexpr (std::is_same_v<T, RtcOpen>)
          return json_object({{"type", "rtc_open"}, {"pc_id", e.pc_id}, {"ice_servers", parse_json(e.ice_servers_json)}});
        else if constexpr (std::is_same_v<T, RtcRestart>)
          return json_object({{"type", "rtc_restart"}, {"pc_id", e.pc_id}, {"ice_servers", parse_json(e.ice_servers_json)}});
        else if constexpr (std::is_same_v<T, RtcRemoteAnswer>)
          return json_object({{"type", "rtc_answer"}, {"pc_id", e.pc_id}, {"sdp", e.sdp}});
        else if constexpr (std::is_same_v<T, RtcPing>)
          return json_object({{"type", "rtc_ping"}, {"pc_id", e.pc_id}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, RtcClose>) return json_object({{"type", "rtc_close"}, {"pc_id", e.pc_id}});
        else if constexpr (std::is_same_v<T, VoiceRoute>)
          return json_object({{"type", "voice_route"}, {"via", e.via}, {"pc_id", e.pc_id}, {"rung", e.rung},
                  {"max_buffered_bytes", e.max_buffered_bytes}});
        else if constexpr (std::is_same_v<T, VoiceEncoderSet>)
          return json_object({{"type", "voice_encoder_set"}, {"bitrate", e.bitrate}, {"fec", e.fec}, {"loss_perc", e.loss_perc}});
      },
      effect);
}

json encode_event(const Event& event) {
  return std::visit(
      [](const auto& e) -> json {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, EnterPressed>)
          return json_object({{"type", "enter_pressed"}, {"text", e.text}, {"shift", e.shift},
                  {"composing", e.composing}, {"repeat", e.repeat}});
        else if constexpr (std::is_same_v<T, SendClicked>) return json_object({{"type", "send_clicked"}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, HostSend>) return json_object({{"type", "host_send"}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, ComposerChanged>) return json_object({{"type", "composer_changed"}, {"chars", e.chars}});
        else if constexpr (std::is_same_v<T, RetryClicked>) return json_object({{"type", "retry_clicked"}, {"message_id", e.message_id}});
        else if constexpr (std::is_same_v<T, ProductSaveToggled>)
          return json_object({{"type", "product_save_toggled"}, {"product_id", e.product_id}});
        else if constexpr (std::is_same_v<T, ConversationNewClicked>) return json_object({{"type", "conversation_new_clicked"}});
        else if constexpr (std::is_same_v<T, ConversationSwitchClicked>)
          return json_object({{"type", "conversation_switch_clicked"}, {"id", e.id}});
        else if constexpr (std::is_same_v<T, HttpResponded>)
          return json_object({{"type", "http_responded"}, {"request_id", e.request_id}, {"status", e.status},
                  {"retry_after_ms", e.retry_after_ms}});
        else if constexpr (std::is_same_v<T, HttpBody>)
          return json_object({{"type", "http_body"}, {"request_id", e.request_id}, {"chunk", e.chunk}});
        else if constexpr (std::is_same_v<T, HttpEnded>) return json_object({{"type", "http_ended"}, {"request_id", e.request_id}});
        else if constexpr (std::is_same_v<T, HttpFailed>)
          return json_object({{"type", "http_failed"}, {"request_id", e.request_id}, {"reason", e.reason}});
        else if constexpr (std::is_same_v<T, SessionWanted>) return json_object({{"type", "session_wanted"}});
        else if constexpr (std::is_same_v<T, SessionClosedByHost>) return json_object({{"type", "session_closed_by_host"}});
        else if constexpr (std::is_same_v<T, RetryNowClicked>) return json_object({{"type", "retry_now_clicked"}});
        else if constexpr (std::is_same_v<T, HandoffRequested>) return json_object({{"type", "handoff_requested"}});
        else if constexpr (std::is_same_v<T, HandoffEmailSubmitted>) return json_object({{"type", "handoff_email_submitted"}, {"email", e.email}});
        else if constexpr (std::is_same_v<T, WsOpened>) return json_object({{"type", "ws_opened"}, {"conn_id", e.conn_id}});
        else if constexpr (std::is_same_v<T, WsFrame>)
          return json_object({{"type", "ws_frame"}, {"conn_id", e.conn_id}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, WsClosed>)
          return json_object({{"type", "ws_closed"}, {"conn_id", e.conn_id}, {"code", e.code}, {"reason", e.reason}, {"was_open", e.was_open}});
        else if constexpr (std::is_same_v<T, ProbeAnswered>)
          return json_object({{"type", "probe_answered"}, {"conn_id", e.conn_id}, {"status", e.status}, {"retry_after_ms", e.retry_after_ms}});
        else if constexpr (std::is_same_v<T, NetworkChanged>) {
          json j = json_object({{"type", "network_changed"}, {"online", e.online}});
          if (!e.link.empty()) j["link"] = e.link;  // only where the browser tells it: older transcripts stay as they were
          if (e.link_change) j["link_change"] = true;
          return j;
        }
        else if constexpr (std::is_same_v<T, VisibilityChanged>) return json_object({{"type", "visibility_changed"}, {"visible", e.visible}});
        else if constexpr (std::is_same_v<T, VoiceStartClicked>) return json_object({{"type", "voice_start_clicked"}});
        else if constexpr (std::is_same_v<T, VoiceEndClicked>) return json_object({{"type", "voice_end_clicked"}});
        else if constexpr (std::is_same_v<T, VoiceHostEnd>) return json_object({{"type", "voice_host_end"}});
        else if constexpr (std::is_same_v<T, VoiceMuteClicked>) return json_object({{"type", "voice_mute_clicked"}, {"muted", e.muted}});
        else if constexpr (std::is_same_v<T, MicAnswered>) return json_object({{"type", "mic_answered"}, {"result", e.result}});
        else if constexpr (std::is_same_v<T, SpeechActivity>) return json_object({{"type", "speech_activity"}, {"speaking", e.speaking}});
        else if constexpr (std::is_same_v<T, PlaybackDrained>) return json_object({{"type", "playback_drained"}});
        else if constexpr (std::is_same_v<T, VoiceRuntimeLoaded>) return json_object({{"type", "voice_runtime_loaded"}});
        else if constexpr (std::is_same_v<T, VoiceRuntimeFailed>) return json_object({{"type", "voice_runtime_failed"}, {"reason", e.reason}});
        else if constexpr (std::is_same_v<T, HostIdentify>) {
          json out = json_object({{"type", "host_identify"}});
          if (!e.value_json.empty()) out["visitor"] = parse_json(e.value_json);
          return out;
        }
        else if constexpr (std::is_same_v<T, TokenReceived>)
          return json_object({{"type", "token_received"}, {"request_id", e.request_id}, {"token", e.token},
                  {"expires_in_s", e.expires_in_s}});
        else if constexpr (std::is_same_v<T, TokenFailed>)
          return json_object({{"type", "token_failed"}, {"request_id", e.request_id}, {"status", e.status}, {"reason", e.reason}});
        else if constexpr (std::is_same_v<T, ChannelRead>)
          return json_object({{"type", "channel_read"}, {"ok", e.ok}, {"version", e.version}, {"build", e.build}});
        else if constexpr (std::is_same_v<T, ContinueOfferClicked>) return json_object({{"type", "continue_offer_clicked"}});
        else if constexpr (std::is_same_v<T, ContinueOfferDismissed>) return json_object({{"type", "continue_offer_dismissed"}});
        else if constexpr (std::is_same_v<T, RevokeClicked>) return json_object({{"type", "revoke_clicked"}});
        else if constexpr (std::is_same_v<T, ContinueCodeEntered>) return json_object({{"type", "continue_code_entered"}, {"code", e.code}});
        else if constexpr (std::is_same_v<T, ContinueRedeemed>) {
          json out = json_object({{"type", "continue_redeemed"}, {"request_id", e.request_id}, {"status", e.status}, {"code", e.code},
                      {"session_id", e.session_id}, {"resume_token", e.resume_token}, {"last_event_seq", e.last_event_seq}});
          if (!e.transcript_json.empty()) out["transcript"] = parse_json(e.transcript_json);
          if (!e.saved_json.empty()) out["saved"] = parse_json(e.saved_json);
          return out;
        }
        else if constexpr (std::is_same_v<T, RtcOfferReady>)
          return json_object({{"type", "rtc_offer_ready"}, {"pc_id", e.pc_id}, {"sdp", e.sdp}});
        else if constexpr (std::is_same_v<T, RtcChannelOpen>)
          return json_object({{"type", "rtc_channel_open"}, {"pc_id", e.pc_id}, {"candidate_type", e.candidate_type},
                  {"relay_protocol", e.relay_protocol}});
        else if constexpr (std::is_same_v<T, RtcPong>)
          return json_object({{"type", "rtc_pong"}, {"pc_id", e.pc_id}, {"text", e.text}, {"received", e.received},
                  {"expected", e.expected}});
        else if constexpr (std::is_same_v<T, RtcFailed>)
          return json_object({{"type", "rtc_failed"}, {"pc_id", e.pc_id}, {"reason", e.reason}});
        else return json_object({{"type", "tick"}});
      },
      event);
}

}  // namespace natter
