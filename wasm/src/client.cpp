#include "client.hpp"

#include <algorithm>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "base/call_apart.hpp"
#include "chat/starters.hpp"

namespace natter {

Client::Client(Config config)
    : config_(std::move(config)), ids_(config_.seed_hi, config_.seed_lo), send_(*this), conn_(*this),
      delivery_(*this) {
  if (config_.conversation_id.empty()) config_.conversation_id = ids_.uuid();
  // The widget passes a key drawn from the browser's CSPRNG (ids.hpp
  // secret() says why); minting one here is for hosts that pass none, so
  // no first chat takes this branch.
  if (config_.conversation_key.empty())
    call_apart(+[](Client& c) { c.config_.conversation_key = c.ids_.secret(); }, *this);
  delivery_.restore(config_.resume_token, config_.last_event_seq, config_.outbox_json, config_.transcript_json);
  // What a first chat has none of (a visitor, saved products, a list of
  // conversations) is restored through call_apart, so that code stays out
  // of the core's first part (call_apart.hpp).
  if (!config_.visitor_json.empty())
    call_apart(+[](Client& c) { c.identity_.restore(c.config_.visitor_json); }, *this);
  if (!config_.saved_json.empty()) call_apart(+[](Client& c) {
    if (c.saved_.restore(c.config_.saved_json) > 0) c.out_.emplace_back(Log{"warn", "dropped malformed saved products"});
  }, *this);
  if (config_.multiple_conversations) call_apart(+[](Client& c) {
    const std::string problem = c.convs_.restore(c.config_.conversations_json, c.config_.conversation_id);
    if (!problem.empty()) c.out_.emplace_back(Log{"warn", problem});
    c.persist_conversations();
  }, *this);
}

std::string Client::session_key() const {
  if (!config_.multiple_conversations) return SessionDelivery::kPersistKey;
  return ConversationList::blob_key(config_.conversation_id);
}

// data-conversations="multiple" only: apart from a first chat's part (call_apart.hpp).
void Client::persist_conversations() {
  if (!config_.multiple_conversations) return;
  call_apart(+[](Client& c) {
    c.out_.emplace_back(Persist{ConversationList::kIndexKey, c.convs_.to_json()});
    c.out_.emplace_back(ConversationsShown{c.convs_.current(), c.convs_.entries()});
  }, *this);
}

void Client::conversation_touched(const std::string& text) {
  if (!config_.multiple_conversations) return;
  call_apart(+[](Client& c, const std::string& text) {
    c.convs_.touch(c.config_.conversation_id, text, c.wall_ms());
    c.persist_conversations();
  }, *this, text);
}

void Client::on_conversation_new() {
  if (!config_.multiple_conversations || leaving_) return;
  if (refused_during_call()) return;
  // Nothing said here yet: this one is already new (no empty entries pile up).
  if (delivery_.transcript().entries().empty() && delivery_.outbox().empty()) {
    out_.emplace_back(Log{"debug", "this conversation is still empty: staying in it"});
    return;
  }
  const std::string id = ids_.uuid();
  start_listed(id);
  open_conversation(id);
}

bool Client::refused_during_call() {
  if (!voice_.active()) return false;
  out_.emplace_back(NoticeShown{"conversation_in_call", "End the call to open another conversation.", ""});
  return true;
}

void Client::start_listed(const std::string& id) {
  for (const auto& gone : convs_.start(id, wall_ms()))
    out_.emplace_back(Persist{ConversationList::blob_key(gone), ""});  // forgotten with its transcript
}

void Client::on_conversation_switch(const std::string& id) {
  if (!config_.multiple_conversations || leaving_) return;
  if (refused_during_call()) return;
  if (!convs_.switch_to(id)) {
    out_.emplace_back(Log{"debug", "no switch: not another listed conversation"});
    return;
  }
  open_conversation(id);
}

void Client::open_conversation(const std::string& id) {
  // This conversation's blob is already current (every change persists it):
  // an unanswered message stays in its outbox, sent again with its own id
  // when the shopper comes back to it. The host closes this core's sockets
  // and requests as it replaces it (shim/boot.js), so no status is shown.
  leaving_ = true;
  persist_conversations();
  out_.emplace_back(Persist{kConversationKey, id});
  out_.emplace_back(ConversationOpen{id});
}

void Client::persist_session() { delivery_.persist(); }

Stats Client::stats() const {
  Stats s = stats_;
  if (live_since_ >= 0 && last_now_ > live_since_) s.session_ms += static_cast<uint64_t>(last_now_ - live_since_);
  return s;
}

void Client::handle(const Event& event, int64_t now) {
  last_now_ = std::max(last_now_, now);
  release_.anchor(now);
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, EnterPressed>) {
          if (!(voice_.active() && voice_.on_enter(e))) send_.on_enter(e, now);
        }
        else if constexpr (std::is_same_v<T, SendClicked>) send_.on_trigger(e.text, "click", now);
        else if constexpr (std::is_same_v<T, HostSend>) send_.on_trigger(e.text, "host", now);
        else if constexpr (std::is_same_v<T, SuggestionTapped>) send_.on_trigger(e.text, "suggestion", now);
        else if constexpr (std::is_same_v<T, HostStarters>) show_starters(e.value_json, conversation_shown_, out_);
        else if constexpr (std::is_same_v<T, ComposerChanged>) {
          composer_chars_ = e.chars;
          send_.on_composer_changed(e);
          if (voice_.active()) voice_.on_typed();
        }
        else if constexpr (std::is_same_v<T, RetryClicked>) send_.on_retry(e, now);
        else if constexpr (std::is_same_v<T, ProductSaveToggled>) {
          if (saved_.toggle(e.product_id, config_.save_products)) persist_session();
        }
        else if constexpr (std::is_same_v<T, HttpResponded> || std::is_same_v<T, HttpBody> ||
                           std::is_same_v<T, HttpEnded> || std::is_same_v<T, HttpFailed>) {
          if (actions_.owns(e.request_id))  // never a first chat's
            call_apart(+[](Client& c, const T& x, int64_t t) { c.on_action(c, Event{x}, t); }, *this, e, now);
          else if constexpr (std::is_same_v<T, HttpResponded>) send_.on_responded(e, now);
          else if constexpr (std::is_same_v<T, HttpBody>) send_.on_body(e, now);
          else if constexpr (std::is_same_v<T, HttpEnded>) send_.on_ended(e, now);
          else send_.on_failed(e, now);
        }
        else if constexpr (std::is_same_v<T, ActionConfirmed> || std::is_same_v<T, ActionDeclined> ||
                           std::is_same_v<T, ActionRan>)
          call_apart(on_action, *this, Event{e}, now);
        else if constexpr (std::is_same_v<T, Tick>) {
          while (auto due = timers_.take_due(now)) {
            if (*due == TimerName::SendRetry) send_.on_retry_timer(now);
            else if (*due == TimerName::ResponseTimeout) send_.on_response_timeout(now);
            else if (*due == TimerName::ReplyRedraw) replies_.on_redraw_timer();
            else if (*due == TimerName::ActionRetry) call_apart(+[](Client& c, int64_t t) { c.actions_.on_timer(t); }, *this, now);
            else if (*due == TimerName::MicPrompt || *due == TimerName::AudioStart || *due == TimerName::ContinueExpiry ||
                     *due == TimerName::StaffTyping || *due == TimerName::RtcDeadline || *due == TimerName::RtcPing)
              call_apart(on_feature_timer, *this, *due, now);  // calls, continue, people: no first chat's
            else  // the live session's: none on an HTTP page
              call_apart(+[](Client& c, TimerName due, int64_t now) { c.conn_.on_timer(due, now); }, *this, *due, now);
          }
        }
        else if constexpr (std::is_same_v<T, SessionWanted>) {
          if (!actions_restored_ && !config_.actions_json.empty())  // the earlier page's confirmed actions, asked again
            call_apart(+[](Client& c, int64_t t) {
              if (c.actions_.restore(c.config_.actions_json, t) > 0) c.out_.emplace_back(Log{"warn", "dropped malformed kept actions"});
            }, *this, now);
          actions_restored_ = true;
          if (config_.session_url.empty()) {  // over HTTP: the page's conversation, once
            if (!http_restored_) send_.resume_restored(now);
            http_restored_ = true;
            return;
          }
          call_apart(on_session_wanted, *this, now);  // the live session's: apart from an HTTP page's first part
        }
        else if constexpr (std::is_same_v<T, ContinueOfferClicked>) link_.on_offer_clicked(now);
        else if constexpr (std::is_same_v<T, ContinueOfferDismissed>) link_.on_offer_dismissed(now);
        else if constexpr (std::is_same_v<T, ContinueConfirmed>) link_.on_confirmed();
        else if constexpr (std::is_same_v<T, RevokeClicked>) link_.on_revoke_clicked(now);
        else if constexpr (std::is_same_v<T, ContinueCodeEntered>) link_.on_code_entered(e.code);
        else if constexpr (std::is_same_v<T, ContinueRedeemed>) link_.on_redeemed(e, now);
        else if constexpr (std::is_same_v<T, SessionClosedByHost>) conn_.close_by_host();
        else if constexpr (std::is_same_v<T, RetryNowClicked>) conn_.retry_now(now);
        else if constexpr (std::is_same_v<T, HandoffRequested>) control_.request();
        else if constexpr (std::is_same_v<T, ConversationNewClicked>) on_conversation_new();
        else if constexpr (std::is_same_v<T, ConversationSwitchClicked>) on_conversation_switch(e.id);
        else if constexpr (std::is_same_v<T, HandoffEmailSubmitted>) presence_.submit_email(e.email);
        else if constexpr (std::is_same_v<T, WsOpened>) conn_.on_opened(e, now);
        else if constexpr (std::is_same_v<T, WsFrame>) conn_.on_frame(e, now);
        else if constexpr (std::is_same_v<T, WsClosed>) conn_.on_closed(e, now);
        else if constexpr (std::is_same_v<T, ProbeAnswered>) conn_.on_probe(e, now);
        else if constexpr (std::is_same_v<T, NetworkChanged>) {
          if (network_moved(e)) {
            conn_.on_network(e.online, now);
            if (e.online) ladder_.on_online(now);
          }
        }
        else if constexpr (std::is_same_v<T, VisibilityChanged>) conn_.on_visibility(e.visible, now);
        else if constexpr (std::is_same_v<T, VoiceStartClicked>) {
          if (!config_.session_url.empty() && !session_started_) {
            session_started_ = true;
            delivery_.start(now);
          }
          voice_.on_start(now);
        }
        else if constexpr (std::is_same_v<T, VoiceEndClicked>) voice_.on_end(false);
        else if constexpr (std::is_same_v<T, VoiceHostEnd>) voice_.on_end(true);
        else if constexpr (std::is_same_v<T, VoiceMuteClicked>) voice_.on_mute(e.muted);
        else if constexpr (std::is_same_v<T, MicAnswered>) voice_.on_mic(e.result);
        else if constexpr (std::is_same_v<T, SpeechActivity>) voice_.on_speech(e.speaking);
        else if constexpr (std::is_same_v<T, PlaybackDrained>) voice_.on_playback_drained();
        else if constexpr (std::is_same_v<T, VoiceRuntimeLoaded>) {
          runtime_.on_loaded();
          ladder_.on_runtime_ready(now);
        }
        else if constexpr (std::is_same_v<T, VoiceRuntimeFailed>) runtime_.on_failed(e.reason);
        else if constexpr (std::is_same_v<T, HostIdentify>) identity_.on_host(e.value_json);
        else if constexpr (std::is_same_v<T, PageContextChanged>) page_context_.on_changed(e.json);
        else if constexpr (std::is_same_v<T, TokenReceived>) on_token_answer(token_.on_received(e, now), now);
        else if constexpr (std::is_same_v<T, TokenFailed>) on_token_answer(token_.on_failed(e), now);
        else if constexpr (std::is_same_v<T, ChannelRead>) release_.on_channel(e);
        else if constexpr (std::is_same_v<T, RtcOfferReady>) ladder_.on_offer_ready(e.pc_id, e.sdp);
        else if constexpr (std::is_same_v<T, RtcChannelOpen>)
          ladder_.on_channel_open(e.pc_id, e.candidate_type, e.relay_protocol, now);
        else if constexpr (std::is_same_v<T, RtcPong>) ladder_.on_pong(e, now);
        else if constexpr (std::is_same_v<T, RtcFailed>) ladder_.on_failed(e.pc_id, e.reason, now);
      },
      event);
  release_.reload_if_safe(now);
}

void Client::on_session_wanted(Client& c, int64_t now) {
  // A continue link in the page's URL decides which conversation this tab
  // has: the session waits for the shopper's answer to the prompt, then for
  // the redeem's.
  if (c.link_.redeeming() || (!c.session_started_ && c.link_.begin_redeem())) {
    c.wanted_after_redeem_ = true;
    return;
  }
  c.start_session(now);
}

void Client::on_feature_timer(Client& c, TimerName due, int64_t now) {
  if (due == TimerName::MicPrompt || due == TimerName::AudioStart) c.voice_.on_timer(due);
  else if (due == TimerName::ContinueExpiry) c.link_.on_timer(now);
  else if (due == TimerName::StaffTyping) c.presence_.on_typing_timer();
  else c.ladder_.on_timer(due, now);  // RtcDeadline, RtcPing
}

void Client::on_action(Client& c, const Event& event, int64_t now) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ActionConfirmed>) c.actions_.confirmed(e, now);
        else if constexpr (std::is_same_v<T, ActionDeclined>) c.actions_.declined(e);
        else if constexpr (std::is_same_v<T, ActionRan>) c.actions_.ran(e, now);
        else if constexpr (std::is_same_v<T, HttpResponded>) c.actions_.on_responded(e);
        else if constexpr (std::is_same_v<T, HttpBody>) c.actions_.on_body(e);
        else if constexpr (std::is_same_v<T, HttpEnded>) c.actions_.on_ended(e, now);
        else if constexpr (std::is_same_v<T, HttpFailed>) c.actions_.on_failed(e, now);
      },
      event);
}

bool Client::network_moved(const NetworkChanged& e) {
  // "none" comes with offline and "unknown" says nothing: neither is a link to compare.
  const bool known = !e.link.empty() && e.link != "none" && e.link != "unknown";
  const bool new_link = known && !network_link_.empty() && e.link != network_link_;
  if (known) network_link_ = e.link;
  return !e.link_change || (new_link && e.online);
}

void Client::on_token_answer(TokenKeeper::Outcome outcome, int64_t now) {
  if (outcome == TokenKeeper::Outcome::Stale) {
    out_.emplace_back(Log{"debug", "dropped a stale token answer"});
    return;
  }
  if (outcome == TokenKeeper::Outcome::Refused) return;  // reported by the keeper
  const bool ready = outcome == TokenKeeper::Outcome::Ready;
  conn_.on_token(ready, now);
  send_.on_token(ready, now);
}

void Client::refuse_transition(const char* machine, const char* from, const char* to) {
  ++stats_.illegal_transitions;
  out_.emplace_back(Log{"error", std::string("refused illegal ") + machine + " transition " + from + " -> " + to});
}

// An id the shim keeps as this tab's conversation (shim/config.js
// storedConversation): anything else could not be restored after a reload.
static bool storable_session_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

void Client::adopt_session_id(const std::string& id) {
  if (id != config_.conversation_id) call_apart(adopt_other_session_id, *this, id);
}

void Client::adopt_other_session_id(Client& c, const std::string& id) {
  if (!storable_session_id(id)) {
    c.out_.emplace_back(Log{"warn", "the server named a session id this tab cannot keep: continuing as " +
                                     c.config_.conversation_id.substr(0, 8)});
    return;
  }
  c.out_.emplace_back(Log{"info", "the server could not resume session " + c.config_.conversation_id.substr(0, 8) +
                                   ": continuing in a new session " + id.substr(0, 8)});
  if (c.config_.multiple_conversations) {  // the old id's blob would never be read again
    c.out_.emplace_back(Persist{ConversationList::blob_key(c.config_.conversation_id), ""});
    c.convs_.rename(c.config_.conversation_id, id);
  }
  c.config_.conversation_id = id;
  c.out_.emplace_back(Persist{kConversationKey, id});
  c.persist_conversations();
}

void Client::start_session(int64_t now) {
  if (!session_started_) {
    session_started_ = true;
    delivery_.start(now);
  }
  conn_.want(now);
  presence_.update_offer();
}

void Client::resume_after_redeem(int64_t now) {
  if (!wanted_after_redeem_) return;
  wanted_after_redeem_ = false;
  start_session(now);
}

bool Client::adopt_continued(const std::string& id, const std::string& token, uint64_t seq,
                             const std::string& transcript_json, const std::string& saved_json, int64_t now) {
  if (!storable_session_id(id)) {
    out_.emplace_back(Log{"warn", "the continue link named a session id this tab cannot keep"});
    return false;
  }
  // A socket of this tab's previous conversation has nothing more to say.
  if (conn_.state() != ConnState::Idle && conn_.state() != ConnState::Closed) conn_.close_by_host();
  if (config_.multiple_conversations) {  // the continued chat joins the list; this tab's own stays in it
    start_listed(id);
  }
  config_.conversation_id = id;
  out_.emplace_back(Persist{kConversationKey, id});
  persist_conversations();
  if (!saved_json.empty() && saved_.restore(saved_json) > 0)
    out_.emplace_back(Log{"warn", "dropped malformed saved products of the continued chat"});
  delivery_.adopt_continued(token, seq, transcript_json);  // persists, saved products included
  for (const auto& e : delivery_.transcript().entries())
    if (e.from_user && !e.text.empty()) {  // its list entry is titled like one begun here
      conversation_touched(e.text);
      break;
    }
  if (session_started_) delivery_.show_continued();
  wanted_after_redeem_ = true;  // a continued chat is wanted now, panel open or not
  resume_after_redeem(now);
  return true;
}

bool Client::nothing_to_lose() const {
  return !voice_.active() && !send_.in_flight() && delivery_.outbox().empty() && composer_chars_ == 0;
}

Effect& Client::leaving(Effect& e) {
  if (auto* card = std::get_if<ProductCardShown>(&e)) saved_.on_card_shown(*card, config_.save_products);
  // Anything of the conversation on screen (restored or new): no starter prompts.
  if (std::holds_alternative<UserMessageShown>(e) || std::holds_alternative<AgentReplyUpdated>(e) ||
      std::holds_alternative<VoiceTranscriptShown>(e))
    conversation_shown_ = true;
  return e;
}

std::optional<Effect> Client::poll() {
  if (out_.empty()) return std::nullopt;
  std::optional<Effect> taken(std::move(leaving(out_.front())));
  out_.pop_front();
  return taken;
}

}  // namespace natter
