// natter::Client is the whole widget's brain, with no I/O of its own.
//
// Run-loop contract (the host is the JS shim, a test or the simulator):
//   1. Feed one Event with the current time: client.handle(event, now_ms).
//   2. Drain effects with client.poll() until it returns nothing, carrying
//      each one out in order (or drain(fn), which reads each in place).
//   3. Arm one timer for client.next_deadline() (if any); when it fires,
//      feed Tick{} with the time it fired at and go to 2.
// The core never reads a clock, a socket or the DOM, and never calls back:
// the same events at the same times give the same effects, on every build.
//
//   natter::Client c(natter::Config{});
//   c.handle(natter::SendClicked{"do you have PS5 games?"}, 0);
//   while (auto e = c.poll()) { /* carry out *e */ }
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "base/effects.hpp"
#include "base/events.hpp"
#include "people/identity.hpp"
#include "people/page_context.hpp"
#include "base/ids.hpp"
#include "session/release_watch.hpp"
#include "chat/actions.hpp"
#include "chat/reply_assembler.hpp"
#include "chat/saved_products.hpp"
#include "session/connection_machine.hpp"
#include "chat/conversation_list.hpp"
#include "people/conversation_control.hpp"
#include "people/device_link.hpp"
#include "people/presence.hpp"
#include "chat/send_machine.hpp"
#include "session/session_delivery.hpp"
#include "base/timers.hpp"
#include "session/token_keeper.hpp"
#include "voice/call/voice_call.hpp"
#include "voice/call/voice_ladder.hpp"
#include "voice/call/voice_runtime.hpp"

namespace natter {

// Test-only planted bugs (never set from JSON): the simulator must catch each.
enum Canary : uint32_t {
  kCanaryNewIdOnRetry = 1u << 0,
  kCanaryResetBackoffOnOpen = 1u << 1,
  kCanaryAcceptStaleConnIds = 1u << 2,
  kCanaryFlushBeforeWelcome = 1u << 3,
  kCanaryHeartbeatAfterClose = 1u << 4,
  kCanaryNoJitter = 1u << 5,
  kCanaryRefusalIsFatal = 1u << 6,     // the first 4003 fails the session: no token refresh, no retry
  kCanarySkipPersistOnSend = 1u << 7,  // an accepted message is not persisted until something else is
  kCanaryRouteKeptOnFall = 1u << 8,    // the voice ladder falls back without re-routing: frames stay on the dead channel
};

struct Config {
  std::string chat_url = "/api/chat";  // the agent's HTTP endpoint
  std::string conversation_id;         // empty: the core mints one
  // The conversation's HTTP secret (docs/protocol.md, "conversation_key"):
  // sent with every POST and hello, bound by the server on first use.
  // Restored with the conversation; empty: the core mints one.
  std::string conversation_key;
  uint32_t max_text_chars = 4000;
  uint64_t seed_hi = 0, seed_lo = 0;   // randomness from the host (crypto)
  uint32_t max_auto_retries = 3;       // transient failures retried unasked

  // The live session (empty session_url: text goes over HTTP only).
  std::string session_url;             // ws(s)://…/api/session
  std::string tab_id;                  // minted per page load by the host
  std::string build;                   // the release's build id (sent in hello)
  std::string version;                 // the release's version ("1.4.2"; compared with welcome.min_client)
  // The channel pointer this page follows (…/channels/<channel>.json), re-read
  // after every welcome; empty for a pinned page (release_watch.hpp).
  std::string channel_url;
  int64_t wall_now_ms = 0;             // the host's wall clock (ms since 1970) when it built this config
  int64_t last_reload_wall_ms = 0;     // when this tab last reloaded for a release (0: never; natter.reload)
  // Restored from the tab's session storage (what Persist wrote last).
  std::string resume_token;
  uint64_t last_event_seq = 0;
  std::string outbox_json;             // [{"id", "text"}, ...]
  std::string transcript_json;         // transcript.hpp's to_json()
  std::string visitor_json;            // visitor.hpp's JSON form (both transports)
  std::string saved_json;              // saved_products.hpp's to_json() (both transports)
  std::string actions_json;            // chat/actions.hpp's to_json(): confirmed, not yet reported
  // The shop lets shoppers save product cards (init option saveProducts).
  bool save_products = true;
  // What this browser lacks for a voice call, as the shim's capability
  // check reports it (shim/capabilities.js): e.g. "microphone",
  // "audio_worklet". Non-empty: voice is refused with a notice, text goes on.
  std::string voice_missing;           // comma-separated, empty: all there
  // The browser has RTCPeerConnection: the hello offers "rtc" and a call may
  // ride a WebRTC data channel (voice_ladder.hpp).
  bool rtc = false;
  // The shop's token endpoint (token_keeper.hpp); empty: no token is sent.
  std::string token_url;
  // A continue link's secret the shim took from this page's URL fragment
  // (and removed from the URL): redeemed once before the session starts.
  std::string continue_secret;

  // Several conversations per shopper (data-conversations="multiple"; off
  // by default): the list (conversation_list.hpp) restored from
  // `conversations_json` (the natter.conversations index as stored), each
  // conversation's blob under natter.session.<id>. Off: one conversation,
  // its blob under natter.session, no list, as before.
  bool multiple_conversations = false;
  std::string conversations_json;

  uint32_t canaries = 0;               // test-only, see Canary
};

// What a shop would chart; also in the support dump.
struct Stats {
  uint64_t messages_sent = 0;
  uint64_t blocked_sends = 0;  // triggers dropped while a send was in flight
  uint64_t retries = 0;        // automatic and manual, same id each time
  uint64_t protocol_errors = 0;
  uint64_t connect_attempts = 0;
  uint64_t sessions_opened = 0;   // welcomes received
  uint64_t reconnects = 0;        // welcomes after the first
  uint64_t fresh_starts = 0;      // welcomes that could not resume
  uint64_t illegal_transitions = 0;
  uint64_t voice_calls = 0;       // calls started (microphone button)
  uint64_t barge_ins = 0;         // the shopper talked over the agent
  // Time the live session has been up on this page, summed over reconnects
  // (ms, as of the last event): what a shop charts as session length. Kept
  // by Client (session_up / session_down); 0 over HTTP.
  uint64_t session_ms = 0;
};

class Client {
 public:
  // The tab's conversation id in the host's session storage (shim/config.js
  // CONVERSATION_KEY): written by the host at boot, by the core when it adopts one.
  static constexpr const char* kConversationKey = "natter.conversation";

  explicit Client(Config config);

  // A machine asked for a transition its table forbids (transitions.hpp):
  // counted in Stats and logged as an error; the machine keeps its state.
  // Public so the one machine template (base/machine.hpp) reports here.
  void refuse_transition(const char* machine, const char* from, const char* to);

  void handle(const Event& event, int64_t now_ms);
  std::optional<Effect> poll();
  // poll() without moving: each pending effect, oldest first, is handed to
  // carry_out in place, then dropped. The JSON boundary uses this: moving
  // the 45-alternative variant out instantiates a move for every
  // alternative in the WASM.
  template <typename F>
  void drain(F&& carry_out) {
    while (!out_.empty()) {
      carry_out(static_cast<const Effect&>(leaving(out_.front())));
      out_.pop_front();
    }
  }
  // Earliest time a Tick is due, or nothing when no timer is armed.
  std::optional<int64_t> next_deadline() const { return timers_.next_deadline(); }

  const std::string& conversation_id() const { return config_.conversation_id; }
  // The counters, session_ms up to the last event's time.
  Stats stats() const;
  const ConnectionMachine& connection() const { return conn_; }
  const Timers& timers() const { return timers_; }
  const SessionDelivery& delivery() const { return delivery_; }
  const VoiceCall& voice() const { return voice_; }
  const VoiceLadder& ladder() const { return ladder_; }
  const VoiceRuntime& runtime() const { return runtime_; }
  const ConversationControl& control() const { return control_; }
  const Presence& presence() const { return presence_; }
  const Identity& identity() const { return identity_; }
  const DeviceLink& link() const { return link_; }
  const SavedProducts& saved() const { return saved_; }
  const ActionKeeper& actions() const { return actions_; }
  const ConversationList& conversations() const { return convs_; }
  // Where this conversation's blob is persisted: natter.session, or with
  // several conversations natter.session.<id>.
  std::string session_key() const;

 private:
  // Every effect leaves through here (poll, drain), whichever part of the
  // core made it: a card gets its saved state stamped.
  Effect& leaving(Effect& e);
  friend class SendMachine;
  friend class ConnectionMachine;
  friend class SessionDelivery;
  friend class VoiceCall;
  friend class VoiceLadder;
  friend class VoiceRuntime;
  friend class Identity;
  friend class PageContext;
  friend class ActionKeeper;
  friend class TokenKeeper;
  friend class ReleaseWatch;
  friend class ConversationControl;
  friend class DeviceLink;
  friend class Presence;
  friend struct TransitionProbe;  // tests drive a refused transition
  // The welcome named the session this tab now has: another id than ours
  // (ours could not be proved) is adopted, and persisted with the welcome;
  // called apart, as a first chat's welcome names ours (call_apart.hpp).
  void adopt_session_id(const std::string& id);
  static void adopt_other_session_id(Client& c, const std::string& id);
  // A continue link was redeemed (device_link.cpp): this tab takes that
  // conversation with its own token, from `seq`, with the transcript so
  // far, and the products saved there (added to this tab's); then the
  // session starts. False when the id cannot be kept.
  bool adopt_continued(const std::string& id, const std::string& token, uint64_t seq,
                       const std::string& transcript_json, const std::string& saved_json, int64_t now);
  // The session waited for a redeem that did not hand over a conversation: start it now.
  void resume_after_redeem(int64_t now);
  void start_session(int64_t now);
  // Never mid-call, never with a message unsent or unanswered, never over
  // text the shopper is typing: when a reload may happen (release_watch.hpp).
  bool nothing_to_lose() const;
  // Writes what the next page restores: the session blob in session mode;
  // over HTTP only the conversation id and the visitor.
  void persist_session();
  // Several conversations (conversation_list.hpp): the shopper sent `text`
  // in this one (names it, moves it up); the index persisted and shown.
  void conversation_touched(const std::string& text);
  void persist_conversations();
  // The panel's "New conversation" / a list entry: the core decides, then
  // tells the host to open the chosen conversation (ConversationOpen).
  void on_conversation_new();
  void on_conversation_switch(const std::string& id);
  // No other conversation during a voice call: the shopper is told why.
  bool refused_during_call();
  // A new list entry `id` (the oldest forgotten past the bound, its blob cleared).
  void start_listed(const std::string& id);
  // Wall-clock ms for the list's "when", or 0 when the host gave no clock.
  int64_t wall_ms() const { return config_.wall_now_ms > 0 ? release_.wall(last_now_) : 0; }
  // Leaving this conversation for `id`: the socket closed cleanly, the
  // index and natter.conversation persisted, the host told.
  void open_conversation(const std::string& id);
  // A token answer arrived (TokenReceived / TokenFailed): both machines hear it.
  void on_token_answer(TokenKeeper::Outcome outcome, int64_t now);
  // Whether a network_changed is news: online/offline always are; a
  // connection change only when the link type changed between two known ones.
  bool network_moved(const NetworkChanged& e);
  // The timers of calls, continue links and people from the shop (called apart:
  // no first chat's timers).
  static void on_feature_timer(Client& c, TimerName due, int64_t now);
  // The page wants the live session (called apart: an HTTP page never does).
  static void on_session_wanted(Client& c, int64_t now);
  // The shopper's answer to an action card, or the page's handler's result
  // (called apart: never in a first chat).
  static void on_action(Client& c, const Event& event, int64_t now);
  // The live session is up (a welcome) / went down (any reason): delivery
  // and voice hear it; session_ms counts the time in between.
  void session_up(int64_t now) { live_since_ = now; }
  void session_down() {
    if (live_since_ >= 0 && last_now_ > live_since_) stats_.session_ms += static_cast<uint64_t>(last_now_ - live_since_);
    live_since_ = -1;
    delivery_.on_down();
    voice_.on_session_lost();
    link_.on_down();
  }
  Config config_;
  bool conversation_shown_ = false;  // a message of it has been drawn (starters.hpp)
  IdMinter ids_;
  Timers timers_;
  Stats stats_;
  std::deque<Effect> out_;
  ActionKeeper actions_{*this};
  ReplyAssembler replies_{out_, timers_, last_now_, actions_};  // last_now_ is read only while handling an event
  SavedProducts saved_{out_};
  SendMachine send_;
  ConnectionMachine conn_;
  SessionDelivery delivery_;
  VoiceCall voice_{*this};
  VoiceLadder ladder_{*this};
  VoiceRuntime runtime_{*this};
  Identity identity_{*this};
  PageContext page_context_{*this};
  TokenKeeper token_{*this};
  ReleaseWatch release_{*this};
  ConversationControl control_{*this};
  DeviceLink link_{*this};
  bool http_restored_ = false;        // over HTTP: the earlier page's conversation was drawn
  bool wanted_after_redeem_ = false;  // SessionWanted arrived while a redeem was pending
  Presence presence_{*this};
  bool session_started_ = false;
  bool actions_restored_ = false;  // the earlier page's confirmed actions were asked again
  std::string network_link_;  // navigator.connection.type last told ("" unknown)
  ConversationList convs_;    // only with config_.multiple_conversations
  bool leaving_ = false;      // ConversationOpen emitted: this core is done
  uint32_t composer_chars_ = 0;
  int64_t last_now_ = 0;      // now_ms of the event being handled
  int64_t live_since_ = -1;   // the welcome's time while the session is up
};

}  // namespace natter
