// The text send machine: one conversation's path from a trigger (Enter,
// click, host API) to one request and one streamed reply.
//
// Rules:
//  - A submission that passes validation gets a fresh message id; the same
//    id is reused for every retry of it, automatic or manual, so the server
//    runs the agent once however often the request is repeated.
//  - While a send is in flight (from acceptance until its reply has ended or
//    it has failed for good), every further trigger is dropped, counted and
//    logged "send blocked: already sending". This holds whatever the order
//    of Enter, key repeat, clicks and host sends.
//  - Shift+Enter and Enter that confirms an IME composition never send.
//  - Blank text is not sent; text over the limit stays in the composer with
//    an inline error.
//  - A transient failure (network, 408, 429, 5xx, reply cut mid-stream) is
//    retried with back-off up to max_auto_retries; then the message is
//    failed with a Retry control. Other 4xx fail at once (Retry offered).
//  - With a token_url (token_keeper.hpp) each request first makes sure a
//    token is at hand and sends it as "Authorization: Bearer"; waiting for
//    the token counts as part of the attempt (its failure is transient). A
//    401 drops the token and retries once at once with a fresh one; a second
//    401 fails the message (not_authorised).
//  - Illegal transitions are refused (state unchanged), reported and counted
//    (transitions.hpp); the handler stops before any side effect.
//
// States, named after what they wait for (docs/send-states.md is generated
// from kSendTransitions):
//   Idle           nothing in flight (failed messages wait for Retry)
//   ExpectToken    the attempt waits for the shop's token
//   ExpectHeaders  the POST is out; waiting for its status
//   Streaming      2xx received; reading the reply
//   Backoff        waiting for the SendRetry timer after a transient failure
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "chat/agent_protocol.hpp"
#include "base/events.hpp"
#include "chat/sse_decoder.hpp"
#include "base/machine.hpp"

namespace natter {

class Client;

enum class SendState : uint8_t { Idle, ExpectToken, ExpectHeaders, Streaming, Backoff };
// Its table (base/machine.hpp: is_legal, state_name, machine_go).
const MachineTable<SendState>& table_of(SendState);

// The legal transitions: docs/send-states.md is rendered from them by
// tests/native/send_states_test.cpp.
extern const Transition<SendState> kSendTransitions[];
extern const std::size_t kSendTransitionCount;

class SendMachine {
 public:
  explicit SendMachine(Client& client) : c_(client) {}

  void on_trigger(const std::string& text, const char* source, int64_t now);
  void on_enter(const EnterPressed& e, int64_t now);
  void on_composer_changed(const ComposerChanged& e);
  void on_retry(const RetryClicked& e, int64_t now);
  void on_responded(const HttpResponded& e, int64_t now);
  void on_body(const HttpBody& e, int64_t now);
  void on_ended(const HttpEnded& e, int64_t now);
  void on_failed(const HttpFailed& e, int64_t now);
  void on_retry_timer(int64_t now);
  void on_response_timeout(int64_t now);
  // The token fetch this machine may be waiting for is over (client.cpp).
  void on_token(bool ready, int64_t now);
  // Over HTTP, at the page's start (SessionWanted): draws the conversation
  // an earlier page of this tab kept; of the messages it left unanswered,
  // the newest (the one in flight when the shopper moved on) is sent again
  // with its id (the server replays or joins its reply, never runs it
  // twice); older ones (failed there) wait for Retry.
  void resume_restored(int64_t now);

  bool in_flight() const { return state_ != SendState::Idle; }
  SendState state() const { return state_; }

  // How long a request may wait for its headers, or go without body bytes.
  static constexpr int64_t kResponseTimeoutMs = 30000;

 private:
  friend struct TransitionProbe;  // tests drive a refused transition

  // The message in flight: in every state but Idle, kept across its attempts.
  struct Message {
    std::string message_id;
    std::string text;
    std::string visitor_json;  // the visitor when the message was accepted ("" none):
                               // every retry sends the same body (identity.hpp)
    uint32_t attempt = 0;          // requests made so far
    bool auth_retry_used = false;  // a 401 was answered with a fresh token once
    std::string shown_state;       // the delivery state the UI shows now
    std::string context_json;      // the page context when it was accepted ("" none; page_context.hpp)
  };

  // may_go: whether the table allows `to` (a refusal is reported). Handlers
  // ask before their first side effect. go: moves there and clears the data
  // `to` does not carry.
  bool may_go(SendState to);
  bool go(SendState to);
  // Where a transient failure leads: Backoff, or Idle once retries are used up.
  SendState after_failure() const;
  bool current(uint32_t request_id) const;
  // Moves to ExpectToken or ExpectHeaders and starts the next attempt.
  void start_request(int64_t now);
  void post(int64_t now);
  void handle_agent_event(const AgentEvent& ev);
  void transient_failure(const std::string& why, int64_t retry_after_ms, int64_t now);
  // reason, reason_arg: DeliveryChanged's stable code for `why` (effects.hpp).
  void fail(const char* reason, const std::string& why, const std::string& reason_arg = "");
  void finish();
  void set_state(const char* state, const std::string& detail = "");
  void protocol_error(const std::string& code, const std::string& detail);
  void blocked(const char* source);

  Client& c_;
  SendState state_ = SendState::Idle;
  std::optional<Message> msg_;  // every state but Idle
  uint32_t request_id_ = 0;     // ExpectHeaders, Streaming: the request whose answers count
  SseDecoder sse_;              // ExpectHeaders, Streaming: reset for each request
  // A failed message awaiting Retry, with the body it was first sent with.
  struct Failed {
    std::string text, visitor_json, context_json;
  };
  std::map<std::string, Failed> failed_;  // by message id
  bool over_limit_shown_ = false;
};

}  // namespace natter
