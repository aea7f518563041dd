// What a closed socket, a refusal and an HTTP probe mean for the connection
// machine: each close code's next state (checked against the table before
// anything is undone) and the proxy diagnoses shown to the shop owner.
#include <algorithm>

#include "client.hpp"
#include "base/wire_codes.hpp"
#include "session/connection_bounds.hpp"
#include "session/connection_machine.hpp"

namespace natter {
namespace {

using S = ConnState;
using namespace conn;

// ws://host/path -> http://host/path (the probe's URL).
std::string http_url_of(const std::string& ws_url) {
  if (ws_url.rfind("wss://", 0) == 0) return "https://" + ws_url.substr(6);
  if (ws_url.rfind("ws://", 0) == 0) return "http://" + ws_url.substr(5);
  return ws_url;
}

}  // namespace

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
  const bool was_stable = stable_;
  stable_ = false;
  conn_id_ = 0;
  stop_live_timers();
  c_.timers_.cancel(TimerName::ConnectTimeout);
  c_.session_down();
  if (e.code == wire::kCloseReplaced && e.reason == wire::kReasonReplacedTab) {
    go(S::Closed);
    wanted_ = false;
    status("closed", "closed_elsewhere", "This chat continued in another tab.", -1, true);
    return;
  }
  if (e.code == wire::kCloseReplaced && c_.link_.on_replaced(e.reason)) {  // the other device of a continued chat
    go(S::Closed);
    wanted_ = false;
    if (e.reason == wire::kReasonRevoked)
      status("closed", "revoked", "This chat was ended from the device it started on.");
    else if (c_.link_.second_device())
      status("closed", "closed_other_device", "This chat continued on your other device.", -1, true);
    else
      status("closed", "continued_elsewhere", "Continued on another device.", -1, true);
    return;
  }
  if (e.code == wire::kCloseUnsupportedVersion) return refused(now);
  if (e.code == wire::kCloseTryAgainLater) {  // the server answering "busy": back off (not failed), not a proxy problem
    quick_drops_ = 0;
    const double r = (c_.config_.canaries & kCanaryNoJitter) ? 0.5 : c_.ids_.random().next_unit();
    schedule_reconnect(now, kTryAgainLaterMs + static_cast<int64_t>(r * kTryAgainLaterMs));
    return;
  }
  if (e.code == wire::kCloseUnauthorized) {
    c_.token_.drop();  // refused: never offered again, not even after "Retry now"
    if (auth_retry_used_ || (c_.config_.canaries & kCanaryRefusalIsFatal)) {
      go(S::Failed);
      wanted_ = false;
      status("failed", "credentials_refused", "The chat service refused this browser's credentials.", -1, true);
      return;
    }
    auth_retry_used_ = true;  // refresh once, then retry
    if (c_.token_.enabled()) c_.out_.emplace_back(Log{"info", "the session refused the token: fetching a fresh one"});
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
  // A draining gateway (docs/protocol.md, "Close codes"): the server said
  // "resume elsewhere". Closing a stable session (live for kStableAfterMs),
  // the first try goes at once, without back-off; any other 1001 (a second
  // one before a welcome, one soon after a welcome) backs off as usual, so
  // a fleet that drains everywhere, or a server that welcomes and closes at
  // once, is not hammered. Either way the close is no proxy trouble.
  if (e.code == wire::kCloseGoingAway && e.was_open) {
    quick_drops_ = 0;
    if (wanted_ && online_ && was_stable) {
      if (outage_since_ < 0) outage_since_ = now;
      go(S::Backoff);
      c_.timers_.set(TimerName::Reconnect, now);
      status("reconnecting", "reconnecting", "Reconnecting…", 0, true);
      return;
    }
    schedule_reconnect(now);
    return;
  }
  if (!e.was_open) {
    ++upgrade_failures_;
    probe_conn_id_ = e.conn_id;
    c_.out_.emplace_back(HttpProbe{e.conn_id, http_url_of(c_.config_.session_url)});
  }
  // A refusal (4003) is the server answering, not a proxy dropping the socket.
  quick_drops_ = quick && e.code != wire::kCloseUnauthorized ? quick_drops_ + 1 : 0;
  if (quick_drops_ >= kDiagnoseAfter)
    diagnose("drops_after_open", 0, "The connection drops right after it opens. A proxy may not support WebSockets, or closes idle connections: see docs/reverse-proxy.md.");
  schedule_reconnect(now);
}

ConnState ConnectionMachine::after_close(const WsClosed& e) const {
  if (e.code == wire::kCloseReplaced && (e.reason == wire::kReasonReplacedTab || e.reason == wire::kReasonReplacedDevice ||
                                    e.reason == wire::kReasonRevoked))
    return S::Closed;
  if (e.code == wire::kCloseUnsupportedVersion) return S::Failed;
  if (e.code == wire::kCloseUnauthorized && (auth_retry_used_ || (c_.config_.canaries & kCanaryRefusalIsFatal))) return S::Failed;
  if (e.code == wire::kCloseUnauthorized && wanted_) return S::Backoff;  // retried at once, online or not
  return reconnect_state();
}

void ConnectionMachine::on_probe(const ProbeAnswered& e, int64_t now) {
  if (e.conn_id == 0 || e.conn_id != probe_conn_id_) return;
  probe_conn_id_ = 0;
  if (e.status == wire::kHttpUpgradeRequired)
    diagnose("upgrade_headers_dropped", 0, "The WebSocket upgrade reached the server without its Upgrade/Connection headers: a proxy drops them. Forward both headers (see docs/reverse-proxy.md).");
  else if (e.status == wire::kHttpBadGateway || e.status == wire::kHttpGatewayTimeout)
    diagnose("proxy_error", e.status, "A proxy answered HTTP " + std::to_string(e.status) + ": it cannot reach the chat server, or does not allow WebSockets (see docs/reverse-proxy.md).");
  else if (e.status == wire::kHttpServiceUnavailable)
    diagnose("service_unavailable", wire::kHttpServiceUnavailable, "The chat service is temporarily unavailable (HTTP 503).");
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
  c_.out_.emplace_back(Log{"warn", "connection problem: " + diagnosis});
}

}  // namespace natter
