// The invariants of docs/reliability.md, checked after every step of a
// SimWorld run, and the convergence required once faults stop. Each check
// names its invariant, so a canary can be held to the check meant to catch it.
#include <algorithm>

#include "sim_world.hpp"

namespace natter::sim {

bool SimWorld::check(bool cond, const char* invariant, const std::string& what) {
  if (!cond && failure_.empty()) {
    failure_ = std::string("[") + invariant + "] t=" + std::to_string(now_) + " (" + kind_.name() + "): " + what;
    failed_invariant_ = invariant;
  }
  return cond;
}

// Live on a socket that works: not one the network silently swallows.
bool SimWorld::working_live() const {
  if (!client_->connection().live()) return false;
  auto it = sockets_.find(client_->connection().conn_id());
  return it != sockets_.end() && !it->second.dead && !it->second.half_open;
}

bool SimWorld::invariants() {
  const ConnectionMachine& conn = client_->connection();
  const ConnState st = conn.state();
  if (st != ConnState::Live) live_since_ = -1;
  else if (live_since_ < 0) live_since_ = now_;
  // The client forgets a refusal after 5 s of stable uptime, by a timer a
  // hidden tab may fire up to 60 s late: forget ours later, never sooner.
  else if (now_ - live_since_ >= 65000) refusals_since_stable_ = 0;
  // S1: one agent run per message id, and per submission (texts are unique).
  // A durable store promises it across restarts; a forgetting one within a
  // server lifetime only (a restart forgets what ran).
  if (kind_.durable_store) {
    for (const auto& [id, n] : server_.agent_runs) check(n == 1, "S1", "message " + id + " ran the agent " + std::to_string(n) + " times");
    for (const auto& [text, n] : server_.runs_per_text)
      check(n == 1, "S1", "'" + text.substr(0, 40) + "' ran the agent " + std::to_string(n) + " times (a new id on retry?)");
  } else {
    for (const auto& [id, n] : server_.runs_this_life) check(n == 1, "S1", "message " + id + " ran the agent " + std::to_string(n) + " times in one server lifetime");
    for (const auto& [text, n] : server_.text_runs_this_life)
      check(n == 1, "S1", "'" + text.substr(0, 40) + "' ran the agent " + std::to_string(n) + " times in one server lifetime (a new id on retry?)");
  }
  for (const auto& [id, n] : replies_done_) check(n <= 1, "S1", "reply to " + id + " finished " + std::to_string(n) + " times");
  for (const auto& v : server_.violations) check(false, "S3", "server saw: " + v);
  // S4: at most one socket the client still holds open, and at most one
  // connection the server treats as the session's.
  size_t held = 0;
  for (const auto& [id, s] : sockets_) held += s.client_open && !s.dead && !s.client_closed;
  check(held <= 1, "S4", std::to_string(held) + " sockets held open at once");
  const size_t current = server_.current_connections(session_id());
  check(current <= 1, "S4", "the server holds " + std::to_string(current) + " current connections for the session");
  // S5, S7.
  check(client_->stats().illegal_transitions == 0, "S5", "an illegal transition was attempted");
  check(client_->delivery().outbox().size() <= Outbox::kMaxMessages, "S7", "the outbox outgrew its bound");
  // S6: no heartbeat outlives the live socket.
  const Timers& t = client_->timers();
  if (st != ConnState::Live)
    check(!t.armed(TimerName::Heartbeat) && !t.armed(TimerName::Liveness), "S6", std::string("a heartbeat timer is armed in ") + state_name(st));
  // L1: wanted, not live, not connecting => exactly one retry timer. Failed
  // and Closed wait for the shopper by design (update required: reload;
  // credentials refused: "Retry now"; another tab: "Use here"); the
  // schedule's shopper acts, and the heal requires live.
  const bool connecting = st == ConnState::ExpectToken || st == ConnState::ExpectOpen || st == ConnState::ExpectWelcome;
  const bool waits_for_shopper = st == ConnState::Failed || st == ConnState::Closed;
  if (conn.wanted() && st != ConnState::Live && !connecting && !waits_for_shopper)
    check(t.armed(TimerName::Reconnect), "L1", std::string("stuck: wanted, no retry timer, in ") + state_name(st));
  // No hot loop: a bounded number of attempts in any 30 s.
  const auto recent = std::count_if(connect_times_.begin(), connect_times_.end(), [&](int64_t x) { return now_ - x < 30000; });
  check(recent <= 60, "L1", std::to_string(recent) + " connection attempts within 30 s (a hot loop?)");
  return failure_.empty();
}

bool SimWorld::converged() {
  check(client_->delivery().outbox().empty(), "L3", "the outbox did not empty");
  const int lifetimes = server_.restarts + 1;
  for (const auto& id : accepted_) {
    const auto found = server_.agent_runs.find(id);  // not []: a 0 entry would fail S1's "exactly once"
    const int runs = found == server_.agent_runs.end() ? 0 : found->second;
    // Held for a person (staff worlds): acked and kept for staff, answered by
    // them if at all; a forgetting store may have run it in an earlier
    // lifetime whose reply the restart lost (S1 below still bounds the runs).
    if (server_.held.count(id)) {
      check(runs <= lifetimes, "S1", "held message " + id + " reached the agent " + std::to_string(runs) + " times");
      continue;
    }
    check(runs >= 1, "S2", "accepted message " + id + " never reached the agent");
    if (kind_.durable_store) check(runs <= 1, "S1", "accepted message " + id + " reached the agent " + std::to_string(runs) + " times");
    else check(runs <= lifetimes, "S1", "accepted message " + id + " reached the agent " + std::to_string(runs) + " times in " + std::to_string(lifetimes) + " server lifetimes");
    check(done_ever_.count(id) == 1, "L3", "accepted message " + id + " never got a finished reply");
    // L3: the client's transcript matches the server's, text for text.
    const auto mine = reply_text_.find(id);
    if (mine != reply_text_.end())
      check(mine->second == server_.reply_text[id], "L3", "the client assembled '" + mine->second.substr(0, 40) + "…' (" + std::to_string(mine->second.size()) + " bytes) for " + id +
                ", the server wrote '" + server_.reply_text[id].substr(0, 40) + "…' (" + std::to_string(server_.reply_text[id].size()) + " bytes)");
  }
  for (const auto& e : client_->delivery().transcript().entries()) {
    if (e.from_user) check(sent_text_.count(e.id) && sent_text_[e.id] == e.text, "L3", "the transcript holds a user message the shopper never sent: " + e.id);
    else if (e.id.rfind("staff-", 0) == 0) check(e.text == server_.staff_text[e.id], "H2", "the transcript's staff reply " + e.id + " differs from what staff sent");
    else check(e.text == server_.reply_text[e.id], "L3", "the transcript's reply to " + e.id + " differs from the server's");
  }
  // S3: the server ran the turns in the order the shopper sent them. A
  // message held for a person is out of turn by design: staff answer it, or,
  // when a fresh session lost its `held` event, the agent runs it once the
  // client sends it again (seed 5843). Only turns that never waited are ordered.
  std::vector<std::string> order, ran;
  const auto in_turn = [&](const std::string& id) {
    return !server_.held.count(id) && std::find(accepted_.begin(), accepted_.end(), id) != accepted_.end();
  };
  for (const auto& id : server_.turn_order)
    if (in_turn(id) && std::find(order.begin(), order.end(), id) == order.end()) order.push_back(id);
  for (const auto& id : accepted_) {  // find, not []: a 0 run count would fail S1's "exactly once"
    const auto runs = server_.agent_runs.find(id);
    if (in_turn(id) && runs != server_.agent_runs.end() && runs->second > 0) ran.push_back(id);
  }
  if (order != ran) {  // name the first turn out of place
    std::size_t i = 0;
    while (i < order.size() && i < ran.size() && order[i] == ran[i]) ++i;
    const auto at = [](const std::vector<std::string>& v, std::size_t k) { return k < v.size() ? v[k] : std::string("(none)"); };
    check(false, "S3", "the server ran turns out of the order they were sent: turn " + std::to_string(i) + " ran " +
                           at(order, i) + " where the shopper's order has " + at(ran, i));
  }
  // S4 on the server: the session's one current connection is the client's.
  check(server_.session_conn(session_id()) == client_->connection().conn_id(), "S4",
        "the server's current connection for the session is not the client's");
  return failure_.empty();
}

bool SimWorld::run() {
  feed(SessionWanted{});
  if (kind_.voice) start_call();
  for (int i = 0; i < opt_.steps && failure_.empty(); ++i) {
    advance_to(now_ + pick(3000));
    fault_step();
    invariants();
  }
  if (!failure_.empty()) return false;
  // Faults stop and what was in flight plays out. Nobody closes half-open
  // sockets for the client: its own liveness check must find them.
  network_up_ = server_up_ = true;
  extra_latency_ms_ = timers_late_ms_ = 0;
  duplicate_next_ = reorder_next_ = quick_close_next_ = 0;
  if (!visible_) feed(VisibilityChanged{true});  // the shopper looks at the tab; any heal signal comes later
  visible_ = true;
  if (kind_.rtc) rtc_faults_stop();
  const int64_t stopped_at = now_;
  advance_to(now_ + opt_.liveness_bound_ms);
  for (const auto& [id, s] : sockets_)
    if (id == client_->connection().conn_id() && !s.dead)
      check(!s.half_open, "L2", "a half-open socket outlived the client's liveness check (" + std::to_string(now_ - stopped_at) + " ms after faults stopped)");
  if (!failure_.empty()) return false;
  // The heal: the browser says online and visible (live within
  // heal_bound_ms), or says nothing and the client's timers must do it
  // (live within timer_heal_bound_ms).
  const int64_t healed_at = now_;
  int64_t bound = opt_.timer_heal_bound_ms;
  if (kind_.signalled_heal) {
    feed(NetworkChanged{true});
    feed(VisibilityChanged{true});
    bound = opt_.heal_bound_ms;
  }
  // A widget that gave up on refused credentials (refreshed once, refused
  // again) waits for the shopper's "Retry now", which the simulated shopper
  // presses when it is offered: the bound runs from that click.
  int64_t since = healed_at;
  while (failure_.empty() && !working_live() && now_ - since <= bound && now_ - healed_at <= 60000) {
    advance_to(now_ + 10);
    if (client_->connection().state() == ConnState::Failed) since = now_;
  }
  if (!check(working_live(), "L2", "not live " + std::to_string(bound) + " ms after the " + (kind_.signalled_heal ? "heal signal" : "heal, with no signal") + " (state " +
                                      state_name(client_->connection().state()) + ")"))
    return false;
  advance_to(now_ + 10000);
  return invariants() && converged() && voice_converged() && ladder_converged() && staff_converged();
}

std::string SimWorld::trace_tail() const {
  std::string out;
  const size_t from = trace_.size() > 40 ? trace_.size() - 40 : 0;
  for (size_t i = from; i < trace_.size(); ++i) out += trace_[i] + "\n";
  return out;
}

}  // namespace natter::sim
