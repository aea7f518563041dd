#include "send_machine.hpp"
#include "json_limits.hpp"

#include <algorithm>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "backoff.hpp"
#include "client.hpp"
#include "text_limits.hpp"

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

bool transient_status(int status) { return status == 408 || status == 429 || status >= 500; }

// A refusal's reason code (effects.hpp, DeliveryChanged) and English text.
struct Refusal {
  const char* reason;
  std::string text;
};

Refusal refusal(int status) {
  switch (status) {
    case 400: return {"unreadable", "The server could not read this message."};
    case 401:
    case 403: return {"not_authorised", "The chat service refused this request (not authorised)."};
    case 413: return {"too_large", "This message is too long for the server."};
    case 422: return {"conflict", "The server refused this message as a conflicting duplicate."};
    default: return {"http_error", "The chat service answered with an error (HTTP " + std::to_string(status) + ")."};
  }
}

}  // namespace

bool SendMachine::current(uint32_t request_id) const {
  return flight_ && request_id != 0 && flight_->request_id == request_id;
}

void SendMachine::blocked(const char* source) {
  ++c_.stats_.blocked_sends;
  c_.out_.push_back(Log{"info", "send blocked: already sending"});
  nlohmann::json payload = {{"source", source}, {"message_id", flight_ ? flight_->message_id : ""},
                            {"blocked_sends", c_.stats_.blocked_sends}};
  c_.out_.push_back(HostEvent{"send_blocked", json_text(payload)});
}

void SendMachine::on_enter(const EnterPressed& e, int64_t now) {
  if (e.composing || e.shift) return;  // IME confirmation / newline: the browser's job
  c_.out_.push_back(ConsumeKey{});
  on_trigger(e.text, e.repeat ? "enter_repeat" : "enter", now);
}

void SendMachine::on_trigger(const std::string& raw, const char* source, int64_t now) {
  const bool live_session = !c_.config_.session_url.empty();
  if (flight_ || (live_session && c_.delivery_.awaiting_ack())) return blocked(source);
  const std::string_view text = trim(raw);
  if (text.empty()) return;
  const std::size_t length = utf16_length(text);
  if (length > c_.config_.max_text_chars) {
    over_limit_shown_ = true;
    c_.out_.push_back(ComposerError{
        "too_long", "This message is " + with_thousands(length - c_.config_.max_text_chars) +
                        " characters over the " + with_thousands(c_.config_.max_text_chars) +
                        "-character limit. Shorten it to send."});
    return;
  }
  if (live_session && !c_.delivery_.outbox_has_room(text.size())) {
    over_limit_shown_ = true;
    c_.out_.push_back(ComposerError{"outbox_full",
                                    "Too many messages are waiting to be sent. This one will be sendable once the "
                                    "chat is back online."});
    c_.out_.push_back(Log{"warn", "outbox full: message kept in the composer"});
    return;
  }
  if (over_limit_shown_) {
    over_limit_shown_ = false;
    c_.out_.push_back(ComposerError{"", ""});
  }
  const std::string id = c_.ids_.uuid();
  ++c_.stats_.messages_sent;
  c_.out_.push_back(ClearComposer{});
  c_.composer_chars_ = 0;
  c_.out_.push_back(UserMessageShown{id, std::string(text)});
  const HostEvent shown{"message", json_text({{"role", "user"}, {"message_id", id}, {"text", text}})};
  if (live_session) {
    c_.delivery_.submit(id, std::string(text), now);
    c_.out_.push_back(shown);
    return;
  }
  flight_ = InFlight{};
  flight_->message_id = id;
  flight_->text = std::string(text);
  flight_->visitor_json = c_.identity_.json_text();
  set_state("sending");
  c_.out_.push_back(shown);
  start_request(now);
}

void SendMachine::on_composer_changed(const ComposerChanged& e) {
  if (over_limit_shown_ && e.chars <= c_.config_.max_text_chars) {
    over_limit_shown_ = false;
    c_.out_.push_back(ComposerError{"", ""});
  }
}

void SendMachine::on_retry(const RetryClicked& e, int64_t now) {
  if (flight_) return blocked("retry");
  auto it = failed_.find(e.message_id);
  if (it == failed_.end()) {
    c_.out_.push_back(Log{"debug", "retry ignored: no failed message " + e.message_id});
    return;
  }
  flight_ = InFlight{};
  flight_->message_id = it->first;  // the same id: the server dedupes on it
  flight_->text = it->second.text;
  flight_->visitor_json = it->second.visitor_json;
  failed_.erase(it);
  ++c_.stats_.retries;
  set_state("sending");
  start_request(now);
}

void SendMachine::start_request(int64_t now) {
  InFlight& f = *flight_;
  ++f.attempt;
  if (!c_.token_.ready(now)) {  // asked the shop's endpoint; on_token goes on
    f.request_id = 0;
    f.awaiting_token = true;
    c_.timers_.set(TimerName::ResponseTimeout, now + kResponseTimeoutMs);
    return;
  }
  post(now);
}

void SendMachine::on_token(bool ready, int64_t now) {
  if (!flight_ || !flight_->awaiting_token) return;
  flight_->awaiting_token = false;
  if (ready) return post(now);
  transient_failure("the token endpoint failed", -1, now);
}

void SendMachine::post(int64_t now) {
  InFlight& f = *flight_;
  f.request_id = c_.ids_.request_id();
  f.streaming = false;
  f.sse.reset();
  nlohmann::json body = {{"message_id", f.message_id},
                         {"conversation_id", c_.config_.conversation_id},
                         {"text", f.text}};
  if (!f.visitor_json.empty()) body["visitor"] = parse_json(f.visitor_json);
  HttpRequest request{f.request_id, "POST", c_.config_.chat_url,
                      {{"Content-Type", "application/json"}, {"Idempotency-Key", f.message_id}},
                      json_text(body)};
  if (c_.token_.enabled()) request.headers.emplace_back("Authorization", "Bearer " + c_.token_.token());
  c_.out_.push_back(std::move(request));
  c_.timers_.set(TimerName::ResponseTimeout, now + kResponseTimeoutMs);
}

void SendMachine::on_responded(const HttpResponded& e, int64_t now) {
  if (!current(e.request_id)) return;
  InFlight& f = *flight_;
  if (e.status >= 200 && e.status < 300) {
    f.streaming = true;
    c_.replies_.restart(f.message_id);  // a retried request replays the whole reply
    set_state("sent");
    c_.timers_.set(TimerName::ResponseTimeout, now + kResponseTimeoutMs);
    return;
  }
  c_.out_.push_back(HttpAbort{f.request_id});
  if (e.status == 401) c_.token_.drop();  // refused: never offered again, not even on Retry
  if (e.status == 401 && c_.token_.enabled() && !f.auth_retry_used) {
    f.auth_retry_used = true;  // refresh once, then retry
    c_.out_.push_back(Log{"info", "the chat service refused the token (HTTP 401): fetching a fresh one"});
    ++c_.stats_.retries;
    return start_request(now);
  }
  if (transient_status(e.status))
    return transient_failure("HTTP " + std::to_string(e.status), e.retry_after_ms, now);
  const Refusal r = refusal(e.status);
  fail(r.reason, r.text, std::to_string(e.status));
}

void SendMachine::on_body(const HttpBody& e, int64_t now) {
  if (!current(e.request_id) || !flight_->streaming) return;
  InFlight& f = *flight_;
  c_.timers_.set(TimerName::ResponseTimeout, now + kResponseTimeoutMs);
  const bool overflowed_before = f.sse.overflowed();
  for (const SseMessage& m : f.sse.feed(e.chunk)) {
    DecodedAgentEvent decoded = decode_agent_event(m.event, m.data);
    if (auto* err = std::get_if<ProtocolError>(&decoded)) {
      protocol_error(err->code, err->detail);
      continue;
    }
    handle_agent_event(std::get<AgentEvent>(decoded));
    if (!current(e.request_id)) return;  // the reply finished or failed
  }
  if (!overflowed_before && f.sse.overflowed())
    protocol_error("too_large", "a reply event line exceeded the size limit and was dropped");
}

void SendMachine::protocol_error(const std::string& code, const std::string& detail) {
  ++c_.stats_.protocol_errors;
  c_.out_.push_back(Log{"warn", "ignored agent event (" + code + "): " + detail});
  c_.out_.push_back(HostEvent{"error", json_text({{"code", code}, {"detail", detail}})});
}

void SendMachine::handle_agent_event(const AgentEvent& ev) {
  if (auto* err = std::get_if<AgentError>(&ev))
    return fail("agent_failed", "The assistant could not answer" + (err->message.empty() ? std::string(".") : ": " + err->message),
                err->message);
  if (c_.replies_.apply(flight_->message_id, ev)) finish();
}

void SendMachine::finish() {
  const std::string& id = flight_->message_id;
  nlohmann::json payload = {{"role", "agent"}, {"reply_to", id}, {"text", c_.replies_.text(id)}};
  c_.out_.push_back(HostEvent{"message", json_text(payload)});
  c_.replies_.forget(id);
  c_.timers_.cancel(TimerName::ResponseTimeout);
  c_.timers_.cancel(TimerName::SendRetry);
  flight_.reset();
}

void SendMachine::on_ended(const HttpEnded& e, int64_t now) {
  if (!current(e.request_id)) return;
  transient_failure(flight_->streaming ? "the reply was cut off" : "empty response", -1, now);
}

void SendMachine::on_failed(const HttpFailed& e, int64_t now) {
  if (!current(e.request_id)) return;
  transient_failure(e.reason.empty() ? "network error" : e.reason, -1, now);
}

void SendMachine::on_response_timeout(int64_t now) {
  if (flight_ && flight_->awaiting_token) {
    flight_->awaiting_token = false;
    c_.token_.abandon();
    return transient_failure("the token endpoint did not answer", -1, now);
  }
  if (!flight_ || flight_->request_id == 0) return;
  c_.out_.push_back(HttpAbort{flight_->request_id});
  transient_failure("no response from the server", -1, now);
}

void SendMachine::transient_failure(const std::string& why, int64_t retry_after_ms, int64_t now) {
  InFlight& f = *flight_;
  c_.timers_.cancel(TimerName::ResponseTimeout);
  f.request_id = 0;  // anything still arriving for the old request is stale
  if (f.attempt > c_.config_.max_auto_retries)
    return fail("unreachable", "Couldn't reach the shop's assistant (" + why + ").");
  int64_t delay = retry_delay_ms(f.attempt, c_.ids_.random().next_unit());
  if (retry_after_ms >= 0) delay = std::max(delay, std::min(retry_after_ms, kMaxRetryAfterMs));
  ++c_.stats_.retries;
  c_.out_.push_back(Log{"info", "retrying message " + f.message_id.substr(0, 8) + " in " +
                                    std::to_string(delay) + " ms (" + why + ")"});
  set_state("retrying", "Connection problem, retrying…");
  c_.timers_.set(TimerName::SendRetry, now + delay);
}

void SendMachine::on_retry_timer(int64_t now) {
  if (!flight_ || flight_->request_id != 0) return;
  if (c_.config_.canaries & kCanaryNewIdOnRetry) flight_->message_id = c_.ids_.uuid();
  start_request(now);
}

void SendMachine::set_state(const char* state, const std::string& detail) {
  InFlight& f = *flight_;
  if (f.shown_state == state) return;
  f.shown_state = state;
  c_.out_.push_back(DeliveryChanged{f.message_id, state, detail, false});
}

void SendMachine::fail(const char* reason, const std::string& why, const std::string& reason_arg) {
  InFlight& f = *flight_;
  failed_[f.message_id] = Failed{f.text, f.visitor_json};
  c_.timers_.cancel(TimerName::ResponseTimeout);
  c_.timers_.cancel(TimerName::SendRetry);
  c_.out_.push_back(DeliveryChanged{f.message_id, "failed", why, true, reason, reason_arg});
  c_.out_.push_back(Log{"warn", "message " + f.message_id.substr(0, 8) + " failed: " + why});
  c_.out_.push_back(HostEvent{"error", json_text({{"code", "send_failed"}, {"message_id", f.message_id}, {"detail", why}})});
  flight_.reset();
}

}  // namespace natter
