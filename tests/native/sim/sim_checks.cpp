// The invariants of shared/RELIABILITY.md, checked after every step of a
// SimWorld run, and the convergence required once faults stop.
#include <algorithm>

#include "sim_world.hpp"

namespace natter::sim {

bool SimWorld::check(bool cond, const std::string& what) {
  if (!cond && failure_.empty()) failure_ = "t=" + std::to_string(now_) + ": " + what;
  return cond;
}

bool SimWorld::invariants() {
  const ConnectionMachine& conn = client_.connection();
  const ConnState st = conn.state();
  // S1: one agent run per message id, and per submission (texts are unique).
  for (const auto& [id, n] : server_.agent_runs) check(n == 1, "message " + id + " ran the agent " + std::to_string(n) + " times");
  for (const auto& [text, n] : server_.runs_per_text) check(n == 1, "'" + text + "' ran the agent " + std::to_string(n) + " times (a new id on retry?)");
  for (const auto& [id, n] : replies_done_) check(n <= 1, "reply to " + id + " finished " + std::to_string(n) + " times");
  for (const auto& v : server_.violations) check(false, "server saw: " + v);
  // S4: at most one socket the client still holds open.
  size_t held = 0;
  for (const auto& [id, s] : sockets_) held += s.client_open && !s.dead && !s.client_closed;
  check(held <= 1, std::to_string(held) + " sockets held open at once");
  // S5, S7.
  check(client_.stats().illegal_transitions == 0, "an illegal transition was attempted");
  check(client_.delivery().outbox().size() <= Outbox::kMaxMessages, "the outbox outgrew its bound");
  // S6: no heartbeat outlives the live socket.
  const Timers& t = client_.timers();
  if (st != ConnState::Live) check(!t.armed(TimerName::Heartbeat) && !t.armed(TimerName::Liveness), std::string("a heartbeat timer is armed in ") + state_name(st));
  // L1: wanted, not live, not connecting => exactly one retry timer.
  const bool connecting = st == ConnState::ExpectToken || st == ConnState::ExpectOpen || st == ConnState::ExpectWelcome;
  if (conn.wanted() && st != ConnState::Live && !connecting)
    check(t.armed(TimerName::Reconnect), std::string("stuck: wanted, no retry timer, in ") + state_name(st));
  // No hot loop: a bounded number of attempts in any 30 s.
  const auto recent = std::count_if(connect_times_.begin(), connect_times_.end(), [&](int64_t x) { return now_ - x < 30000; });
  check(recent <= 60, std::to_string(recent) + " connection attempts within 30 s (a hot loop?)");
  return failure_.empty();
}

bool SimWorld::converged() {
  check(client_.delivery().outbox().empty(), "the outbox did not empty");
  for (const auto& id : accepted_) {
    check(server_.agent_runs[id] == 1, "accepted message " + id + " reached the agent " + std::to_string(server_.agent_runs[id]) + " times");
    check(replies_done_[id] == 1, "accepted message " + id + " has " + std::to_string(replies_done_[id]) + " finished replies");
  }
  // S3: the server ran the turns in the order the shopper sent them.
  std::vector<std::string> order;
  for (const auto& id : server_.turn_order)
    if (std::find(accepted_.begin(), accepted_.end(), id) != accepted_.end()) order.push_back(id);
  check(order == accepted_, "the server ran turns out of the order they were sent");
  return failure_.empty();
}

bool SimWorld::run() {
  feed(SessionWanted{});
  for (int i = 0; i < opt_.steps && failure_.empty(); ++i) {
    advance_to(now_ + pick(3000));
    fault_step();
    invariants();
  }
  if (!failure_.empty()) return false;
  // Faults stop, what was already in flight plays out (half-open sockets
  // are noticed), then the browser signals the heal (online, visible).
  network_up_ = server_up_ = visible_ = true;
  extra_latency_ms_ = timers_late_ms_ = 0;
  duplicate_next_ = reorder_next_ = quick_close_next_ = 0;
  for (auto& [id, s] : sockets_) if (s.half_open && !s.dead) kill(id, 1006, true);
  advance_to(now_ + 6000);
  const int64_t healed_at = now_;
  feed(NetworkChanged{true});
  feed(VisibilityChanged{true});
  while (failure_.empty() && !client_.connection().live() && now_ - healed_at <= opt_.heal_bound_ms) advance_to(now_ + 10);
  if (!check(client_.connection().live(), "not live " + std::to_string(opt_.heal_bound_ms) + " ms after faults stopped (state " +
                                              state_name(client_.connection().state()) + ")"))
    return false;
  advance_to(now_ + 10000);
  return invariants() && converged();
}

std::string SimWorld::trace_tail() const {
  std::string out;
  const size_t from = trace_.size() > 40 ? trace_.size() - 40 : 0;
  for (size_t i = from; i < trace_.size(); ++i) out += trace_[i] + "\n";
  return out;
}

}  // namespace natter::sim
