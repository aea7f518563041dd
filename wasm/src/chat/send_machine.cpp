#include "chat/send_machine.hpp"
#include "boundary/json_limits.hpp"

#include <algorithm>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "base/backoff.hpp"
#include "client.hpp"
#include "base/text_limits.hpp"
#include "base/wire_codes.hpp"

namespace natter {
namespace {

constexpr int64_t kMaxRetryAfterMs = 60000;

std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string with_thousands(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

bool transient_status(int status) {
  return status == wire::kHttpRequestTimeout || status == wire::kHttpTooManyRequests || status >= wire::kHttpFirstServerError;
}

// A refusal's reason code (effects.hpp, DeliveryChanged) and English text.
struct Refusal {
  const char* reason;
  std::string text;
};

Refusal refusal(int status) {
  switch (status) {
    case wire::kHttpBadRequest: return {"unreadable", "The server could not read this message."};
    case wire::kHttpUnauthorized:
    case wire::kHttpForbidden: return {"not_authorised", "The chat service refused this request (not authorised)."};
    case wire::kHttpPayloadTooLarge: return {"too_large", "This message is too long for the server."};
    case wire::kHttpUnprocessable: return {"conflict", "The server refused this message as a conflicting duplicate."};
    default: return {"http_error", "The chat service answered with an error (HTTP " + std::to_string(status) + ")."};
  }
}

}  // namespace

using S = SendState;

const char* const kSendNames[] = {"Idle", "ExpectToken", "ExpectHeaders", "Streaming", "Backoff"};
const Transition<SendState> kSendTransitions[] = {
    {S::Idle, S::ExpectHeaders, NATTER_ON("accepted / retry clicked (POST)")},
    {S::Idle, S::ExpectToken, NATTER_ON("accepted / retry clicked, no fresh token")},
    {S::ExpectToken, S::ExpectHeaders, NATTER_ON("token received (POST)")},
    {S::ExpectToken, S::Backoff, NATTER_ON("token fetch failed / no token for 30 s")},
    {S::ExpectToken, S::Idle, NATTER_ON("token fetch failed / no token for 30 s, retries used up")},
    {S::ExpectHeaders, S::Streaming, NATTER_ON("2xx")},
    {S::ExpectHeaders, S::ExpectToken, NATTER_ON("first 401 (fresh token)")},
    {S::ExpectHeaders, S::Backoff, NATTER_ON("network error / 408, 429, 5xx / empty response / no status for 30 s")},
    {S::ExpectHeaders, S::Idle, NATTER_ON("other 4xx / second 401 / retries used up")},
    {S::Streaming, S::Idle, NATTER_ON("reply done / agent error / retries used up")},
    {S::Streaming, S::Backoff, NATTER_ON("reply cut off / network error / no bytes for 30 s")},
    {S::Backoff, S::ExpectHeaders, NATTER_ON("retry timer (POST)")},
    {S::Backoff, S::ExpectToken, NATTER_ON("retry timer, no fresh token")},
};
const std::size_t kSendTransitionCount = sizeof(kSendTransitions) / sizeof(kSendTransitions[0]);
const MachineTable<SendState> kSendMachine{"send", kSendNames, kSendTransitions};
const MachineTable<SendState>& table_of(SendState) { return kSendMachine; }

bool SendMachine::may_go(SendState to) { return machine_may_go(state_, to, c_); }

bool SendMachine::go(SendState to) {
  if (!machine_go(state_, to, c_)) return false;
  if (to != S::ExpectHeaders && to != S::Streaming) request_id_ = 0;  // its answers are stale now
  if (to == S::ExpectHeaders) sse_.reset();
  if (to == S::Idle) msg_.reset();
  return true;
}

SendState SendMachine::after_failure() const {
  return msg_->attempt > c_.config_.max_auto_retries ? S::Idle : S::Backoff;
}

bool SendMachine::current(uint32_t request_id) const {
  return request_id != 0 && request_id_ == request_id;
}

void SendMachine::blocked(const char* source) {
  ++c_.stats_.blocked_sends;
  c_.out_.emplace_back(Log{"info", "send blocked: already sending"});
  nlohmann::json payload = json_object({{"source", source}, {"message_id", msg_ ? msg_->message_id : ""},
                            {"blocked_sends", c_.stats_.blocked_sends}});
  c_.out_.emplace_back(HostEvent{"send_blocked", json_text(payload)});
}

void SendMachine::on_enter(const EnterPressed& e, int64_t now) {
  if (e.composing || e.shift) return;  // IME confirmation / newline: the browser's job
  c_.out_.emplace_back(ConsumeKey{});
  on_trigger(e.text, e.repeat ? "enter_repeat" : "enter", now);
}

void SendMachine::on_trigger(const std::string& raw, const char* source, int64_t now) {
  const bool live_session = !c_.config_.session_url.empty();
  if (in_flight() || (live_session && c_.delivery_.awaiting_ack())) return blocked(source);
  const std::string_view text = trim(raw);
  if (text.empty()) return;
  const std::size_t length = utf16_length(text);
  if (length > c_.config_.max_text_chars) {
    over_limit_shown_ = true;
    c_.out_.emplace_back(ComposerError{
        "too_long", "This message is " + with_thousands(length - c_.config_.max_text_chars) +
                        " characters over the " + with_thousands(c_.config_.max_text_chars) +
                        "-character limit. Shorten it to send."});
    return;
  }
  if (live_session && !c_.delivery_.outbox_has_room(text.size())) {
    over_limit_shown_ = true;
    c_.out_.emplace_back(ComposerError{"outbox_full",
                                    "Too many messages are waiting to be sent. This one will be sendable once the "
                                    "chat is back online."});
    c_.out_.emplace_back(Log{"warn", "outbox full: message kept in the composer"});
    return;
  }
  // Over HTTP this machine takes the message: checked before it is accepted.
  if (!live_session && !may_go(c_.token_.fresh(now) ? S::ExpectHeaders : S::ExpectToken)) return;
  if (over_limit_shown_) {
    over_limit_shown_ = false;
    c_.out_.emplace_back(ComposerError{"", ""});
  }
  const std::string id = c_.ids_.uuid();
  ++c_.stats_.messages_sent;
  const HostEvent shown{"message", json_text(json_object({{"role", "user"}, {"message_id", id}, {"text", text}}))};
  // A tapped chip's text never was in the composer: the shopper's draft stays.
  const bool from_composer = std::string_view(source) != "suggestion";
  auto show_message = [&] {
    if (from_composer) {
      c_.out_.emplace_back(ClearComposer{});
      c_.composer_chars_ = 0;
    }
    c_.out_.emplace_back(UserMessageShown{id, std::string(text)});
  };
  if (live_session) {
    show_message();
    c_.delivery_.submit(id, std::string(text), now);
    c_.out_.emplace_back(shown);
    return;
  }
  // Over HTTP the request goes first (or, without a fresh token, the token's):
  // the shim carries effects out in order and calls fetch before it clears the
  // composer, draws the bubble and its delivery line, runs the shop's message
  // listeners (host_event) and writes storage. All of it runs in the same
  // task, so the shopper sees the same page, and the request waits for none of it.
  msg_ = Message{id, std::string(text), c_.identity_.json_text(), 0, false, "", c_.page_context_.json_text()};
  start_request(now);
  show_message();
  set_state("sending");
  c_.out_.emplace_back(shown);
  c_.delivery_.record_sent(id, std::string(text), msg_->context_json);
}

void SendMachine::resume_restored(int64_t now) {
  c_.delivery_.show_restored();
  // What the earlier page left: not a message this page accepted already.
  std::vector<OutboxEntry> waiting;
  for (const auto& e : c_.delivery_.outbox().entries())
    if (!(msg_ && msg_->message_id == e.message_id) && !failed_.count(e.message_id)) waiting.push_back(e);
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    const OutboxEntry& e = waiting[i];
    c_.out_.emplace_back(UserMessageShown{e.message_id, e.text});
    const bool newest = i + 1 == waiting.size();
    if (!newest || in_flight() || !may_go(c_.token_.fresh(now) ? S::ExpectHeaders : S::ExpectToken)) {
      failed_[e.message_id] = Failed{e.text, c_.identity_.json_text(), e.context_json};
      c_.out_.emplace_back(DeliveryChanged{e.message_id, "failed", "Not sent.", true, "not_sent"});
      continue;
    }
    msg_ = Message{e.message_id, e.text, c_.identity_.json_text(), 0, false, "", e.context_json};
    set_state("sending");
    c_.out_.emplace_back(Log{"info", "sending again the message the previous page left unanswered"});
    start_request(now);
  }
}

void SendMachine::on_composer_changed(const ComposerChanged& e) {
  if (over_limit_shown_ && e.chars <= c_.config_.max_text_chars) {
    over_limit_shown_ = false;
    c_.out_.emplace_back(ComposerError{"", ""});
  }
}

void SendMachine::on_retry(const RetryClicked& e, int64_t now) {
  if (in_flight()) return blocked("retry");
  auto it = failed_.find(e.message_id);
  if (it == failed_.end()) {
    c_.out_.emplace_back(Log{"debug", "retry ignored: no failed message " + e.message_id});
    return;
  }
  if (!may_go(c_.token_.fresh(now) ? S::ExpectHeaders : S::ExpectToken)) return;
  // The same id: the server dedupes on it.
  msg_ = Message{it->first, it->second.text, it->second.visitor_json, 0, false, "", it->second.context_json};
  failed_.erase(it);
  ++c_.stats_.retries;
  set_state("sending");
  start_request(now);
}

void SendMachine::start_request(int64_t now) {
  const bool have_token = c_.token_.fresh(now);
  if (!go(have_token ? S::ExpectHeaders : S::ExpectToken)) return;
  ++msg_->attempt;
  if (!have_token) {
    c_.token_.ready(now);  // asks the shop's endpoint; on_token goes on
    c_.timers_.set(TimerName::ResponseTimeout, now + kResponseTimeoutMs);
    return;
  }
  post(now);
}

void SendMachine::on_token(bool ready, int64_t now) {
  if (state_ != S::ExpectToken) return;
  if (!ready) return transient_failure("the token endpoint failed", -1, now);
  if (go(S::ExpectHeaders)) post(now);
}

// Sends the attempt's POST (in ExpectHeaders).
void SendMachine::post(int64_t now) {
  const Message& m = *msg_;
  request_id_ = c_.ids_.request_id();
  nlohmann::json body = json_object({{"message_id", m.message_id},
                         {"conversation_id", c_.config_.conversation_id},
                         {"conversation_key", c_.config_.conversation_key},
                         {"text", m.text}});
  if (!m.visitor_json.empty()) body["visitor"] = parse_json(m.visitor_json);
  if (!m.context_json.empty()) body["context"] = parse_json(m.context_json);
  HttpRequest request{request_id_, "POST", c_.config_.chat_url,
                      {{"Content-Type", "application/json"}, {"Idempotency-Key", m.message_id}},
                      json_text(body)};
  if (c_.token_.enabled()) request.headers.emplace_back("Authorization", "Bearer " + c_.token_.token());
  c_.out_.emplace_back(std::move(request));
  c_.timers_.set(TimerName::ResponseTimeout, now + kResponseTimeoutMs);
}

void SendMachine::on_responded(const HttpResponded& e, int64_t now) {
  if (!current(e.request_id)) return;
  // One request has one status: a second one (a shim bug) changes nothing,
  // rather than restarting a reply that is already streaming.
  if (state_ != S::ExpectHeaders) {
    ++c_.stats_.protocol_errors;
    c_.out_.emplace_back(Log{"warn", "ignored a second HTTP status for one request (" + std::to_string(e.status) + ")"});
    return;
  }
  Message& m = *msg_;
  if (e.status >= 200 && e.status < 300) {
    if (!go(S::Streaming)) return;
    c_.replies_.restart(m.message_id);  // a retried request replays the whole reply
    set_state("sent");
    c_.timers_.set(TimerName::ResponseTimeout, now + kResponseTimeoutMs);
    return;
  }
  const bool auth_retry = e.status == wire::kHttpUnauthorized && c_.token_.enabled() && !m.auth_retry_used;
  if (!may_go(auth_retry ? S::ExpectToken : transient_status(e.status) ? after_failure() : S::Idle)) return;
  c_.out_.emplace_back(HttpAbort{request_id_});
  if (e.status == wire::kHttpUnauthorized) c_.token_.drop();  // refused: never offered again, not even on Retry
  if (auth_retry) {
    m.auth_retry_used = true;  // refresh once, then retry
    c_.out_.emplace_back(Log{"info", "the chat service refused the token (HTTP 401): fetching a fresh one"});
    ++c_.stats_.retries;
    return start_request(now);
  }
  if (transient_status(e.status))
    return transient_failure("HTTP " + std::to_string(e.status), e.retry_after_ms, now);
  const Refusal r = refusal(e.status);
  fail(r.reason, r.text, std::to_string(e.status));
}

void SendMachine::on_body(const HttpBody& e, int64_t now) {
  if (!current(e.request_id) || state_ != S::Streaming) return;
  c_.timers_.set(TimerName::ResponseTimeout, now + kResponseTimeoutMs);
  const bool overflowed_before = sse_.overflowed();
  for (const SseMessage& m : sse_.feed(e.chunk)) {
    AgentEvent event;
    if (auto err = decode_agent_event_into(m.event, m.data, event)) {
      protocol_error(err->code, err->detail);
      continue;
    }
    handle_agent_event(event);
    if (!current(e.request_id)) return;  // the reply finished or failed
  }
  if (!overflowed_before && sse_.overflowed())
    protocol_error("too_large", "a reply event line exceeded the size limit and was dropped");
}

void SendMachine::protocol_error(const std::string& code, const std::string& detail) {
  ++c_.stats_.protocol_errors;
  c_.out_.emplace_back(Log{"warn", "ignored agent event (" + code + "): " + detail});
  c_.out_.emplace_back(HostEvent{"error", json_text(json_object({{"code", code}, {"detail", detail}}))});
}

void SendMachine::handle_agent_event(const AgentEvent& ev) {
  if (auto* err = std::get_if<AgentError>(&ev))
    return fail("agent_failed", "The assistant could not answer" + (err->message.empty() ? std::string(".") : ": " + err->message),
                err->message);
  if (c_.replies_.apply(msg_->message_id, ev)) finish();
}

void SendMachine::finish() {
  if (!may_go(S::Idle)) return;
  const std::string& id = msg_->message_id;
  nlohmann::json payload = json_object({{"role", "agent"}, {"reply_to", id}, {"text", c_.replies_.text(id)}});
  c_.out_.emplace_back(HostEvent{"message", json_text(payload)});
  c_.delivery_.record_answered(id);
  c_.replies_.forget(id);
  c_.timers_.cancel(TimerName::ResponseTimeout);
  c_.timers_.cancel(TimerName::SendRetry);
  go(S::Idle);
}

void SendMachine::on_ended(const HttpEnded& e, int64_t now) {
  if (!current(e.request_id)) return;
  transient_failure(state_ == S::Streaming ? "the reply was cut off" : "empty response", -1, now);
}

void SendMachine::on_failed(const HttpFailed& e, int64_t now) {
  if (!current(e.request_id)) return;
  transient_failure(e.reason.empty() ? "network error" : e.reason, -1, now);
}

void SendMachine::on_response_timeout(int64_t now) {
  if (state_ == S::ExpectToken) {
    if (!may_go(after_failure())) return;
    c_.token_.abandon();
    return transient_failure("the token endpoint did not answer", -1, now);
  }
  if (state_ != S::ExpectHeaders && state_ != S::Streaming) return;
  if (!may_go(after_failure())) return;
  c_.out_.emplace_back(HttpAbort{request_id_});
  transient_failure("no response from the server", -1, now);
}

void SendMachine::transient_failure(const std::string& why, int64_t retry_after_ms, int64_t now) {
  const SendState next = after_failure();
  if (!may_go(next)) return;
  c_.timers_.cancel(TimerName::ResponseTimeout);
  if (next == S::Idle) return fail("unreachable", "Couldn't reach the shop's assistant (" + why + ").");
  go(S::Backoff);  // anything still arriving for the old request is stale
  Message& m = *msg_;
  int64_t delay = retry_delay_ms(m.attempt, c_.ids_.random().next_unit());
  if (retry_after_ms >= 0) delay = std::max(delay, std::min(retry_after_ms, kMaxRetryAfterMs));
  ++c_.stats_.retries;
  c_.out_.emplace_back(Log{"info", "retrying message " + m.message_id.substr(0, 8) + " in " +
                                    std::to_string(delay) + " ms (" + why + ")"});
  set_state("retrying", "Connection problem, retrying…");
  c_.timers_.set(TimerName::SendRetry, now + delay);
}

void SendMachine::on_retry_timer(int64_t now) {
  if (state_ != S::Backoff) return;
  if (c_.config_.canaries & kCanaryNewIdOnRetry) msg_->message_id = c_.ids_.uuid();
  start_request(now);
}

void SendMachine::set_state(const char* state, const std::string& detail) {
  Message& m = *msg_;
  if (m.shown_state == state) return;
  m.shown_state = state;
  c_.out_.emplace_back(DeliveryChanged{m.message_id, state, detail, false});
}

void SendMachine::fail(const char* reason, const std::string& why, const std::string& reason_arg) {
  if (!may_go(S::Idle)) return;
  const Message& m = *msg_;
  failed_[m.message_id] = Failed{m.text, m.visitor_json, m.context_json};
  c_.timers_.cancel(TimerName::ResponseTimeout);
  c_.timers_.cancel(TimerName::SendRetry);
  c_.out_.emplace_back(DeliveryChanged{m.message_id, "failed", why, true, reason, reason_arg});
  c_.out_.emplace_back(Log{"warn", "message " + m.message_id.substr(0, 8) + " failed: " + why});
  c_.out_.emplace_back(HostEvent{"error", json_text(json_object({{"code", "send_failed"}, {"message_id", m.message_id}, {"detail", why}}))});
  go(S::Idle);
}

}  // namespace natter
