#include "boundary/codec.hpp"
#include "boundary/json_limits.hpp"

#include <type_traits>

namespace natter {
namespace {

using nlohmann::json;

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
        else if constexpr (std::is_same_v<T, SuggestionsShown>) {
          nlohmann::json links = nlohmann::json::array();
          for (const auto& link : e.links) links.push_back(json_object({{"text", link.text}, {"url", link.url}}));
          return json_object({{"type", "suggestions_shown"}, {"reply_to", e.reply_to}, {"replies", e.replies},
                              {"links", std::move(links)}});
        }
        else if constexpr (std::is_same_v<T, ActionProposed>) {
          nlohmann::json j = json_object({{"type", "action_proposed"}, {"reply_to", e.reply_to}, {"action_id", e.action_id},
                              {"name", e.name}, {"confirm", e.confirm}, {"title", e.title}});
          if (!e.variant.empty()) j["variant"] = e.variant;
          if (e.quantity) j["quantity"] = e.quantity;
          if (!e.price.empty()) j["price"] = e.price, j["currency"] = e.currency;
          if (!e.image_url.empty()) j["image_url"] = e.image_url;
          return j;
        }
        else if constexpr (std::is_same_v<T, ActionChanged>)
          return json_object({{"type", "action_changed"}, {"action_id", e.action_id}, {"state", e.state}, {"message", e.message}});
        else if constexpr (std::is_same_v<T, RunAction>)
          return json_object({{"type", "run_action"}, {"action_id", e.action_id}, {"name", e.name},
                              {"args", embedded(e.args_json)}, {"retry", e.retry}});
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
          if (e.text.empty()) return json_object({{"type", "call_notice"}, {"code", e.code}, {"error", e.error}});
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
        else if constexpr (std::is_same_v<T, SuggestionTapped>)
          return json_object({{"type", "suggestion_tapped"}, {"text", e.text}});
        else if constexpr (std::is_same_v<T, ActionConfirmed>)
          return json_object({{"type", "action_confirmed"}, {"action_id", e.action_id}});
        else if constexpr (std::is_same_v<T, ActionDeclined>)
          return json_object({{"type", "action_declined"}, {"action_id", e.action_id}});
        else if constexpr (std::is_same_v<T, ActionRan>) {
          json out = json_object({{"type", "action_ran"}, {"action_id", e.action_id}, {"ok", e.ok}, {"message", e.message}});
          if (!e.data_json.empty()) out["data"] = parse_json(e.data_json);
          return out;
        }
        else if constexpr (std::is_same_v<T, HostStarters>) {
          json out = json_object({{"type", "host_starters"}});
          if (!e.value_json.empty()) out["starters"] = parse_json(e.value_json);
          return out;
        }
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
        else if constexpr (std::is_same_v<T, PageContextChanged>)
          return json_object({{"type", "page_context"}, {"context", e.json}});
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
        else if constexpr (std::is_same_v<T, ContinueConfirmed>) return json_object({{"type", "continue_confirmed"}});
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
