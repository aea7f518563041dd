#include "connection_machine.hpp"

#include <algorithm>
#include <type_traits>

#include "backoff.hpp"
#include "client.hpp"

namespace natter {
namespace {

constexpr int64_t kConnectTimeoutMs = 10000;
constexpr int64_t kStableAfterMs = 5000;
constexpr int64_t kOfflineSafetyNetMs = 30000;
constexpr int64_t kQuickDropMs = 2000;
// Close 1013 "try again later": the server is at capacity (connections or
// sessions, docs/protocol.md "Limits"). The next attempt waits at least this
// long, spread over [k, 2k) so refused clients do not return together.
constexpr int64_t kTryAgainLaterMs = 4000;
constexpr int64_t kVerifyAfterWakeMs = 5000;  // a ping must be answered this fast after online/visible
constexpr uint32_t kDiagnoseAfter = 2;        // consecutive failures before naming a proxy problem

using S = ConnState;

// ws://host/path -> http://host/path (the probe's URL).
std::string http_url_of(const std::string& ws_url) {
  if (ws_url.rfind("wss://", 0) == 0) return "https://" + ws_url.substr(6);
  if (ws_url.rfind("ws://", 0) == 0) return "http://" + ws_url.substr(5);
  return ws_url;
}

std::string seconds_text(int64_t ms) {
  const int64_t s = (ms + 999) / 1000;
  return std::to_string(s < 1 ? 1 : s) + " s";
}

}  // namespace

const ConnTransition kConnTransitions[] = {
    {S::Idle, S::ExpectOpen, NATTER_ON("wanted")},
    {S::Idle, S::ExpectToken, NATTER_ON("wanted, no fresh token")},
    {S::Idle, S::Closed, NATTER_ON("host closes")},
    {S::ExpectToken, S::ExpectOpen, NATTER_ON("token received")},
    {S::ExpectToken, S::Backoff, NATTER_ON("token fetch failed / connect timeout")},
    {S::ExpectToken, S::Offline, NATTER_ON("token fetch failed while offline")},
    {S::ExpectToken, S::Closed, NATTER_ON("host closes")},
    {S::ExpectToken, S::ExpectToken, NATTER_ON("online / visible / retry now (new fetch)")},
    {S::ExpectOpen, S::ExpectWelcome, NATTER_ON("socket opened (hello sent)")},
    {S::ExpectOpen, S::Backoff, NATTER_ON("upgrade failed / connect timeout")},
    {S::ExpectOpen, S::Offline, NATTER_ON("failed while offline")},
    {S::ExpectOpen, S::Closed, NATTER_ON("host closes")},
    {S::ExpectOpen, S::ExpectOpen, NATTER_ON("online / visible / retry now (new socket)")},
    {S::ExpectOpen, S::ExpectToken, NATTER_ON("online / visible / retry now, no fresh token")},
    {S::ExpectWelcome, S::Live, NATTER_ON("welcome")},
    {S::ExpectWelcome, S::Backoff, NATTER_ON("closed / welcome timeout")},
    {S::ExpectWelcome, S::Offline, NATTER_ON("closed while offline")},
    {S::ExpectWelcome, S::Failed, NATTER_ON("unsupported version / refused twice")},
    {S::ExpectWelcome, S::Closed, NATTER_ON("host closes / another tab took over")},
    {S::ExpectWelcome, S::ExpectOpen, NATTER_ON("online / visible / retry now (new socket)")},
    {S::ExpectWelcome, S::ExpectToken, NATTER_ON("online / visible / retry now, no fresh token")},
    {S::Live, S::Backoff, NATTER_ON("closed / heartbeat silence")},
    {S::Live, S::Offline, NATTER_ON("closed while offline")},
    {S::Live, S::Failed, NATTER_ON("unsupported version / refused twice")},
    {S::Live, S::Closed, NATTER_ON("host closes / another tab took over")},
    {S::Backoff, S::ExpectOpen, NATTER_ON("reconnect timer / online / visible / retry now")},
    {S::Backoff, S::ExpectToken, NATTER_ON("reconnect timer / online / visible / retry now, no fresh token")},
    {S::Backoff, S::Offline, NATTER_ON("browser offline")},
    {S::Backoff, S::Closed, NATTER_ON("host closes")},
    {S::Offline, S::ExpectOpen, NATTER_ON("browser online / safety-net timer / retry now")},
    {S::Offline, S::ExpectToken, NATTER_ON("browser online / safety-net timer / retry now, no fresh token")},
    {S::Offline, S::Closed, NATTER_ON("host closes")},
    {S::Closed, S::ExpectOpen, NATTER_ON("wanted again / use here")},
    {S::Closed, S::ExpectToken, NATTER_ON("wanted again / use here, no fresh token")},
    {S::Failed, S::ExpectOpen, NATTER_ON("retry now")},
    {S::Failed, S::ExpectToken, NATTER_ON("retry now, no fresh token")},
    {S::Failed, S::Closed, NATTER_ON("host closes")},
};
const std::size_t kConnTransitionCount = sizeof(kConnTransitions) / sizeof(kConnTransitions[0]);

bool is_legal(ConnState from, ConnState to) {
  return legal_in(kConnTransitions, kConnTransitionCount, from, to);
}

const char* state_name(ConnState s) {
  switch (s) {
    case S::Idle: return "Idle";
    case S::ExpectToken: return "ExpectToken";
    case S::ExpectOpen: return "ExpectOpen";
    case S::ExpectWelcome: return "ExpectWelcome";
    case S::Live: return "Live";
    case S::Backoff: return "Backoff";
    case S::Offline: return "Offline";
    case S::Closed: return "Closed";
    case S::Failed: return "Failed";
  }
  return "?";
}

bool ConnectionMachine::may_go(ConnState to) {
  if (is_legal(state_, to)) return true;
  c_.refuse_transition("connection", state_name(state_), state_name(to));
  return false;
}

bool ConnectionMachine::go(ConnState to) {
  if (!may_go(to)) return false;
  state_ = to;
  return true;
}

void ConnectionMachine::status(const char* state, const char* code, const std::string& text, int64_t retry_in_ms,
                               bool can_retry_now) {
  c_.out_.push_back(StatusChanged{state, text, retry_in_ms, can_retry_now, diagnosis_, code, diagnosis_code_,
                                  diagnosis_status_});
}

void ConnectionMachine::want(int64_t now) {
  wanted_ = true;
  if (state_ == S::Idle || state_ == S::Closed) connect_now(now);
}

void ConnectionMachine::connect_now(int64_t now) {
  const bool have_token = c_.token_.fresh(now);
  const S next = have_token ? S::ExpectOpen : S::ExpectToken;
  if (!may_go(next)) return;
  if (state_ == S::ExpectOpen || state_ == S::ExpectWelcome) abandon_socket(1000, "superseded");
  c_.timers_.cancel(TimerName::Reconnect);
  if (state_ == S::ExpectToken) c_.token_.abandon();  // ask afresh: the old fetch may be doomed
  if (!have_token) c_.token_.ready(now);              // emits TokenRequested
  go(next);
  wanted_ = true;
  ++attempts_;
  if (outage_since_ < 0) outage_since_ = now;
  started_offline_ = !online_;
  if (have_token) open_socket(now);
  else c_.timers_.set(TimerName::ConnectTimeout, now + kConnectTimeoutMs);
  if (ever_welcomed_) status("connecting", "reconnecting_now", "Reconnecting…");
  else status("connecting", "connecting", "Connecting…");
}

void ConnectionMachine::open_socket(int64_t now) {
  ++c_.stats_.connect_attempts;
  conn_id_ = c_.ids_.request_id();
  c_.out_.push_back(WsConnect{conn_id_, c_.config_.session_url});
  c_.timers_.set(TimerName::ConnectTimeout, now + kConnectTimeoutMs);
}

void ConnectionMachine::on_token(bool ready, int64_t now) {
  if (state_ != S::ExpectToken) return;
  if (ready) {
    if (go(S::ExpectOpen)) open_socket(now);
    return;
  }
  if (wanted_ && !may_go(reconnect_state())) return;
  c_.timers_.cancel(TimerName::ConnectTimeout);
  schedule_reconnect(now);
}

// Forgets the current socket: closes it and makes its id stale.
void ConnectionMachine::abandon_socket(int code, const std::string& reason) {
  if (conn_id_ != 0) c_.out_.push_back(WsClose{conn_id_, code, reason});
  conn_id_ = 0;
  stop_live_timers();
  c_.timers_.cancel(TimerName::ConnectTimeout);
}

void ConnectionMachine::stop_live_timers() {
  if (c_.config_.canaries & kCanaryHeartbeatAfterClose) return;
  c_.timers_.cancel(TimerName::Heartbeat);
  c_.timers_.cancel(TimerName::Liveness);
  c_.timers_.cancel(TimerName::StableUptime);
}

bool ConnectionMachine::stale(uint32_t conn_id) const {
  if (c_.config_.canaries & kCanaryAcceptStaleConnIds) return false;
  return conn_id == 0 || conn_id != conn_id_;
}

void ConnectionMachine::on_opened(const WsOpened& e, int64_t now) {
  if (stale(e.conn_id) || state_ != S::ExpectOpen) return;
  if (!go(S::ExpectWelcome)) return;
  opened_at_ = now;
  upgrade_failures_ = 0;
  if (c_.config_.canaries & kCanaryResetBackoffOnOpen) attempts_ = 0;
  c_.timers_.set(TimerName::ConnectTimeout, now + kConnectTimeoutMs);
  Hello h{c_.config_.conversation_id, c_.delivery_.resume_token(), c_.config_.tab_id, c_.config_.build,
          c_.delivery_.last_event_seq(), c_.identity_.json_text(), c_.token_.token(), c_.config_.rtc};
  c_.out_.push_back(WsSend{conn_id_, encode_hello(h)});
  c_.identity_.on_hello_sent();
  if (c_.config_.canaries & kCanaryFlushBeforeWelcome) c_.delivery_.flush_outbox();
}

void ConnectionMachine::send(const std::string& frame) {
  if (state_ == S::Live || state_ == S::ExpectWelcome) c_.out_.push_back(WsSend{conn_id_, frame});
}

void ConnectionMachine::on_frame(const WsFrame& e, int64_t now) {
  if (stale(e.conn_id)) return;
  if (state_ != S::ExpectWelcome && state_ != S::Live) return;
  if (state_ == S::Live) c_.timers_.set(TimerName::Liveness, now + 2 * heartbeat_ms_ - heartbeat_ms_ / 3);
  auto decoded = decode_server_frame(e.text);
  if (auto* err = std::get_if<ProtocolError>(&decoded)) {
    ++c_.stats_.protocol_errors;
    c_.out_.push_back(Log{"warn", "ignored session frame (" + err->code + "): " + err->detail});
    return;
  }
  std::visit(
      [&](const auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, Welcome>) {
          if (state_ == S::ExpectWelcome) on_welcome(f, now);
        } else if constexpr (std::is_same_v<T, Ack>) {
          if (state_ == S::Live) c_.delivery_.on_ack(f);
        } else if constexpr (std::is_same_v<T, ServerEvent>) {
          if (state_ == S::Live) c_.delivery_.on_event(f, now);
        } else if constexpr (std::is_same_v<T, VoiceStarted>) {
          if (state_ == S::Live) c_.voice_.on_started(f);
        } else if constexpr (std::is_same_v<T, VoiceAgent>) {
          if (state_ == S::Live) c_.voice_.on_agent(f);
        } else if constexpr (std::is_same_v<T, VoiceClosed>) {
          if (state_ == S::Live) c_.voice_.on_closed(f);
        } else if constexpr (std::is_same_v<T, RtcConfigFrame>) {
          if (state_ == S::Live) c_.ladder_.on_config(f, now);
        } else if constexpr (std::is_same_v<T, RtcAnswerFrame>) {
          if (state_ == S::Live) c_.ladder_.on_answer(f);
        } else if constexpr (std::is_same_v<T, RtcClosedFrame>) {
          if (state_ == S::Live) c_.ladder_.on_server_closed(f, now);
        } else if constexpr (std::is_same_v<T, ServerError>) {
          c_.out_.push_back(Log{"warn", "server error (" + f.code + "): " + f.message});
          if (f.code == "unsupported_version" && may_go(S::Failed)) {
            abandon_socket(1000, "unsupported version");
            c_.session_down();
            refused(now);
          }
        }
      },
      std::get<ServerFrame>(decoded));
}

void ConnectionMachine::on_welcome(const Welcome& w, int64_t now) {
  if (!c_.release_.serves_us(w)) {  // welcomed, but not served: never used
    if (!may_go(S::Failed)) return;
    abandon_socket(1000, "client too old");
    c_.session_down();
    return refused(now);
  }
  if (!go(S::Live)) return;
  c_.timers_.cancel(TimerName::ConnectTimeout);
  heartbeat_ms_ = w.heartbeat_ms;
  c_.timers_.set(TimerName::Heartbeat, now + heartbeat_ms_);
  c_.timers_.set(TimerName::Liveness, now + 2 * heartbeat_ms_ - heartbeat_ms_ / 3);
  c_.timers_.set(TimerName::StableUptime, now + kStableAfterMs);
  ++c_.stats_.sessions_opened;
  c_.session_up(now);
  if (ever_welcomed_) ++c_.stats_.reconnects;
  ever_welcomed_ = true;
  status("connected", "connected", "Connected");
  c_.adopt_session_id(w.session_id);  // before delivery persists the welcome's token
  c_.identity_.on_live();  // before the outbox: a changed visitor applies to what is re-sent
  c_.delivery_.on_live(w);
  c_.voice_.on_session_live(conn_id_);
  c_.control_.on_live();
  c_.release_.on_welcome();
}

// The server does not serve this client (release_watch.hpp): the session
// stops; a reload is tried once, else the shopper is told.
void ConnectionMachine::refused(int64_t now) {
  if (!go(S::Failed)) return;
  wanted_ = false;
  if (c_.release_.on_refused(now))
    status("failed", "update_required", "This chat needs an update: reload the page.");
  else
    status("failed", "unsupported_client",
           "This chat is not available on this page: it runs a version the chat service no longer supports.");
}

void ConnectionMachine::on_closed(const WsClosed& e, int64_t now) {
  if (stale(e.conn_id)) return;  // an old socket's close
  if (state_ != S::ExpectOpen && state_ != S::ExpectWelcome && state_ != S::Live) return;
  // Checked before anything is undone: a close the table refuses (a refusal
  // code on a socket that never opened) leaves the socket and its timeout as they were.
  if (!may_go(after_close(e))) return;
  const bool quick = e.was_open && now - opened_at_ < kQuickDropMs;
  conn_id_ = 0;
  stop_live_timers();
  c_.timers_.cancel(TimerName::ConnectTimeout);
  c_.session_down();
  if (e.code == 4000 && e.reason == "replaced:tab") {
    go(S::Closed);
    wanted_ = false;
    status("closed", "closed_elsewhere", "This chat continued in another tab.", -1, true);
    return;
  }
  if (e.code == 4001) return refused(now);
  if (e.code == 1013) {  // the server answering "busy": back off (not failed), not a proxy problem
    quick_drops_ = 0;
    const double r = (c_.config_.canaries & kCanaryNoJitter) ? 0.5 : c_.ids_.random().next_unit();
    schedule_reconnect(now, kTryAgainLaterMs + static_cast<int64_t>(r * kTryAgainLaterMs));
    return;
  }
  if (e.code == 4003) {
    c_.token_.drop();  // refused: never offered again, not even after "Retry now"
    if (auth_retry_used_ || (c_.config_.canaries & kCanaryRefusalIsFatal)) {
      go(S::Failed);
      wanted_ = false;
      status("failed", "credentials_refused", "The chat service refused this browser's credentials.", -1, true);
      return;
    }
    auth_retry_used_ = true;  // refresh once, then retry
    if (c_.token_.enabled()) c_.out_.push_back(Log{"info", "the session refused the token: fetching a fresh one"});
    // At once: a stale credential is no reason to back off, and the server
    // answered, so this is not a drop and the network works, whatever the
    // browser last said (a second refusal is final, above).
    if (wanted_) {
      quick_drops_ = 0;
      if (outage_since_ < 0) outage_since_ = now;
      go(S::Backoff);
      c_.timers_.set(TimerName::Reconnect, now);
      status("reconnecting", "reconnecting", "Reconnecting…", 0, true);
      return;
    }
  }
  if (!e.was_open) {
    ++upgrade_failures_;
    probe_conn_id_ = e.conn_id;
    c_.out_.push_back(HttpProbe{e.conn_id, http_url_of(c_.config_.session_url)});
  }
  // A refusal (4003) is the server answering, not a proxy dropping the socket.
  quick_drops_ = quick && e.code != 4003 ? quick_drops_ + 1 : 0;
  if (quick_drops_ >= kDiagnoseAfter)
    diagnose("drops_after_open", 0, "The connection drops right after it opens. A proxy may not support WebSockets, or closes idle connections: see docs/reverse-proxy.md.");
  schedule_reconnect(now);
}

ConnState ConnectionMachine::after_close(const WsClosed& e) const {
  if (e.code == 4000 && e.reason == "replaced:tab") return S::Closed;
  if (e.code == 4001) return S::Failed;
  if (e.code == 4003 && (auth_retry_used_ || (c_.config_.canaries & kCanaryRefusalIsFatal))) return S::Failed;
  if (e.code == 4003 && wanted_) return S::Backoff;  // retried at once, online or not
  return reconnect_state();
}

void ConnectionMachine::schedule_reconnect(int64_t now, int64_t retry_after_ms) {
  if (!wanted_) return;
  if (!go(reconnect_state())) return;
  if (outage_since_ < 0) outage_since_ = now;
  if (!online_) {
    c_.timers_.set(TimerName::Reconnect, now + kOfflineSafetyNetMs);
    status("offline", "offline", "You're offline — messages will send when you're back.");
    return;
  }
  const double r = (c_.config_.canaries & kCanaryNoJitter) ? 0.5 : c_.ids_.random().next_unit();
  const int64_t delay = reconnect_delay_ms(attempts_, now - outage_since_, r, retry_after_ms);
  c_.timers_.set(TimerName::Reconnect, now + delay);
  status("reconnecting", "reconnecting", "Reconnecting in " + seconds_text(delay) + "…", delay, true);
}

void ConnectionMachine::on_probe(const ProbeAnswered& e, int64_t now) {
  if (e.conn_id == 0 || e.conn_id != probe_conn_id_) return;
  probe_conn_id_ = 0;
  if (e.status == 426)
    diagnose("upgrade_headers_dropped", 0, "The WebSocket upgrade reached the server without its Upgrade/Connection headers: a proxy drops them. Forward both headers (see docs/reverse-proxy.md).");
  else if (e.status == 502 || e.status == 504)
    diagnose("proxy_error", e.status, "A proxy answered HTTP " + std::to_string(e.status) + ": it cannot reach the chat server, or does not allow WebSockets (see docs/reverse-proxy.md).");
  else if (e.status == 503)
    diagnose("service_unavailable", 503, "The chat service is temporarily unavailable (HTTP 503).");
  if (e.retry_after_ms >= 0 && state_ == S::Backoff) {
    const int64_t until = now + std::min<int64_t>(e.retry_after_ms, 60000);
    if (until > c_.timers_.deadline(TimerName::Reconnect).value_or(0)) {
      c_.timers_.set(TimerName::Reconnect, until);
      status("reconnecting", "reconnecting", "Reconnecting in " + seconds_text(until - now) + "…", until - now, true);
    }
  }
}

// Names a likely cause once failures repeat; logged once per cause.
void ConnectionMachine::diagnose(const char* code, int http_status, const std::string& diagnosis) {
  if (upgrade_failures_ < kDiagnoseAfter && quick_drops_ < kDiagnoseAfter) return;
  if (diagnosis == diagnosis_) return;
  diagnosis_ = diagnosis;
  diagnosis_code_ = code;
  diagnosis_status_ = http_status;
  c_.out_.push_back(Log{"warn", "connection problem: " + diagnosis});
}

void ConnectionMachine::on_network(bool online, int64_t now) {
  online_ = online;
  if (!online) {
    if (state_ == S::Backoff) schedule_reconnect(now);  // -> Offline, safety net kept
    return;
  }
  // A socket (or token fetch) started while the network was down is doomed: start afresh.
  if (state_ == S::Offline || state_ == S::Backoff ||
      ((state_ == S::ExpectOpen || state_ == S::ExpectToken) && started_offline_))
    return connect_now(now);
  if (state_ == S::Live) verify_live(now);  // the old socket may be dead after a network change
}

// Pings now and wants the answer within kVerifyAfterWakeMs; never postpones
// a sooner liveness deadline (an `online` must not let a dead socket live longer).
void ConnectionMachine::verify_live(int64_t now) {
  send(encode_ping(now));
  const int64_t deadline = now + kVerifyAfterWakeMs;
  if (deadline < c_.timers_.deadline(TimerName::Liveness).value_or(INT64_MAX))
    c_.timers_.set(TimerName::Liveness, deadline);
}

void ConnectionMachine::on_visibility(bool visible, int64_t now) {
  visible_ = visible;
  if (!visible) return;
  if (state_ == S::Backoff || state_ == S::Offline) return connect_now(now);
  if (state_ == S::Live) verify_live(now);
}

void ConnectionMachine::retry_now(int64_t now) {
  if (state_ == S::Live || state_ == S::Idle) return;
  if (state_ == S::Failed || state_ == S::Closed) auth_retry_used_ = false;
  connect_now(now);
}

void ConnectionMachine::close_by_host() {
  if (state_ == S::Closed || !may_go(S::Closed)) return;
  if (state_ == S::ExpectToken) c_.token_.abandon();
  abandon_socket(1000, "closed by host");
  c_.timers_.cancel(TimerName::Reconnect);
  if (state_ == S::ExpectWelcome || state_ == S::Live) c_.session_down();
  wanted_ = false;
  go(S::Closed);
  status("closed", "closed", "Chat closed.");
}

void ConnectionMachine::on_timer(TimerName name, int64_t now) {
  switch (name) {
    case TimerName::Reconnect:
      if (state_ == S::Backoff || state_ == S::Offline) connect_now(now);
      break;
    case TimerName::ConnectTimeout:
      if (state_ == S::ExpectToken) {
        if (wanted_ && !may_go(reconnect_state())) break;
        c_.token_.abandon();
        c_.out_.push_back(Log{"warn", "token endpoint " + c_.config_.token_url + " did not answer: retrying with back-off"});
        schedule_reconnect(now);
        break;
      }
      if (state_ != S::ExpectOpen && state_ != S::ExpectWelcome) break;
      if (wanted_ && !may_go(reconnect_state())) break;
      abandon_socket(4008, "connect timeout");
      c_.session_down();
      schedule_reconnect(now);
      break;
    case TimerName::Heartbeat:
      if (state_ != S::Live && !(c_.config_.canaries & kCanaryHeartbeatAfterClose)) break;
      c_.out_.push_back(WsSend{conn_id_, encode_ping(now)});
      c_.timers_.set(TimerName::Heartbeat, now + heartbeat_ms_);
      break;
    case TimerName::Liveness:
      if (state_ != S::Live || (wanted_ && !may_go(reconnect_state()))) break;
      c_.out_.push_back(Log{"info", "no sign of life from the server: reconnecting"});
      abandon_socket(4002, "heartbeat timeout");
      c_.session_down();
      schedule_reconnect(now);
      break;
    case TimerName::GapResync:
      if (state_ != S::Live || !c_.delivery_.has_gap() || !may_go(S::Backoff)) break;
      c_.out_.push_back(Log{"info", "server events missing after a gap: resuming to fetch them"});
      abandon_socket(4009, "resync");
      c_.session_down();
      if (go(S::Backoff)) connect_now(now);  // through Backoff, so the transition table holds
      break;
    case TimerName::StableUptime:
      if (state_ != S::Live) break;
      attempts_ = 0;
      outage_since_ = -1;
      quick_drops_ = 0;
      auth_retry_used_ = false;
      if (!diagnosis_.empty()) {
        diagnosis_.clear();
        diagnosis_code_.clear();
        diagnosis_status_ = 0;
        status("connected", "connected", "Connected");
      }
      break;
    default:
      break;
  }
}

}  // namespace natter
