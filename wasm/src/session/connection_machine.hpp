// The live session's connection: one WebSocket at a time, kept up through
// drops, restarts, proxies, sleep and flaky mobile networks, with no global
// lock and no circuit breaker that gives up for good.
//
// States are named after what they wait for:
//   Idle           nothing wanted yet
//   ExpectToken    the shop's token endpoint was asked (TokenRequested);
//                  waiting for the token before the socket (token_url only)
//   ExpectOpen     a socket was asked for (WsConnect); waiting for it to open
//   ExpectWelcome  open, hello sent; waiting for the server's welcome
//   Live           welcomed; heartbeats running
//   Backoff        waiting for the Reconnect timer (the status shows the delay)
//   Offline        the browser says there is no network; a slow safety-net
//                  timer stays armed in case it is wrong
//   Closed         closed by the host, or another tab took the session over
//   Failed         only what retrying cannot fix: unsupported protocol
//                  version, credentials refused twice
//
// With a token_url, every connect first makes sure a token is at hand
// (token_keeper.hpp): a fresh one goes straight to ExpectOpen, else the
// machine waits in ExpectToken (under the connect timeout). A failed fetch
// backs off like a failed socket. Close 4003 drops the token, so the one
// retry it earns fetches a fresh one.
//
// Rules:
//  - Every socket gets a fresh conn_id from the core; any event carrying
//    another id is stale and dropped. An old socket can never act on a new one.
//  - Whenever the session is wanted and neither Live nor connecting, exactly
//    one Reconnect timer is armed (Backoff and Offline both keep one).
//  - Back-off resets only after StableUptime (5 s live), never on open: a
//    socket that connects and drops at once keeps backing off.
//  - "online", "visible" and "Retry now" attempt at once.
//  - Illegal transitions are refused (state unchanged), reported and counted
//    (transitions.hpp); the handler stops before any side effect.
#pragma once

#include <cstdint>
#include <string>

#include "base/events.hpp"
#include "session/session_frames.hpp"
#include "base/timers.hpp"
#include "base/machine.hpp"

namespace natter {

class Client;

enum class ConnState : uint8_t { Idle, ExpectToken, ExpectOpen, ExpectWelcome, Live, Backoff, Offline, Closed, Failed };
// Its table (base/machine.hpp: is_legal, state_name, machine_go).
const MachineTable<ConnState>& table_of(ConnState);

// The legal transitions, as data: docs/connection-states.md is generated
// from this table by tests/native/connection_states_test.cpp.
extern const Transition<ConnState> kConnTransitions[];
extern const std::size_t kConnTransitionCount;

class ConnectionMachine {
 public:
  explicit ConnectionMachine(Client& client) : c_(client) {}

  void want(int64_t now);
  void close_by_host();
  void retry_now(int64_t now);
  void on_opened(const WsOpened& e, int64_t now);
  void on_frame(const WsFrame& e, int64_t now);
  void on_closed(const WsClosed& e, int64_t now);
  void on_probe(const ProbeAnswered& e, int64_t now);
  void on_network(bool online, int64_t now);
  void on_visibility(bool visible, int64_t now);
  void on_timer(TimerName name, int64_t now);
  // The token fetch asked for in ExpectToken is over: a token (ready) or not.
  void on_token(bool ready, int64_t now);

  ConnState state() const { return state_; }
  bool live() const { return state_ == ConnState::Live; }
  bool wanted() const { return wanted_; }
  uint32_t conn_id() const { return conn_id_; }
  // Sends a frame on the live socket. Only call while live().
  void send(const std::string& frame);

 private:
  friend struct TransitionProbe;  // tests drive a refused transition
  bool stale(uint32_t conn_id) const;
  void connect_now(int64_t now);
  void open_socket(int64_t now);
  // may_go: whether the table allows `to` (a refusal is reported). Handlers
  // ask before their first side effect, so a refused transition does nothing
  // else. go: moves there (after may_go).
  bool may_go(ConnState to);
  bool go(ConnState to);
  // Where a close of the current socket leads (on_closed), and a lost
  // session that is still wanted (schedule_reconnect).
  ConnState after_close(const WsClosed& e) const;
  ConnState reconnect_state() const { return online_ ? ConnState::Backoff : ConnState::Offline; }
  void abandon_socket(int code, const std::string& reason);
  void socket_lost(int64_t now);
  void schedule_reconnect(int64_t now, int64_t retry_after_ms = -1);
  void verify_live(int64_t now);
  void on_welcome(const Welcome& w, int64_t now);
  void refused(int64_t now);
  // code: StatusChanged's stable name of `text` (effects.hpp).
  void status(const char* state, const char* code, const std::string& text, int64_t retry_in_ms = -1,
              bool can_retry_now = false);
  void diagnose(const char* code, int http_status, const std::string& diagnosis);
  void stop_live_timers();

  Client& c_;
  ConnState state_ = ConnState::Idle;
  bool wanted_ = false;
  bool online_ = true;
  bool visible_ = true;
  bool started_offline_ = false;  // the pending socket was asked for while offline
  uint32_t conn_id_ = 0;        // the only socket whose events count
  uint32_t probe_conn_id_ = 0;  // the failed socket a probe is about
  uint32_t attempts_ = 0;       // connection attempts since the last stable session
  int64_t outage_since_ = -1;   // when the session was last lost (-1: not in an outage)
  int64_t opened_at_ = 0;
  int64_t heartbeat_ms_ = 15000;
  uint32_t upgrade_failures_ = 0;  // consecutive sockets that never opened
  uint32_t quick_drops_ = 0;       // consecutive sockets that died within 2 s of opening
  bool auth_retry_used_ = false;
  bool stable_ = false;  // the live session has been up kStableAfterMs (a 1001 then reconnects at once)
  bool ever_welcomed_ = false;
  std::string diagnosis_;
  std::string diagnosis_code_;  // StatusChanged::diagnosis_code of diagnosis_
  int diagnosis_status_ = 0;
};

}  // namespace natter
