#include "sim_world.hpp"

#include <algorithm>

namespace natter::sim {
namespace {

Config world_config(uint32_t seed, uint32_t canaries) {
  Config c;
  c.session_url = "ws://sim.test/api/session";
  c.conversation_id = "conv-" + std::to_string(seed);
  c.tab_id = "tab";
  c.seed_hi = seed;
  c.seed_lo = 0x9E3779B97F4A7C15ULL ^ seed;
  c.canaries = canaries;
  return c;
}

constexpr int64_t kNever = INT64_MAX;

}  // namespace

SimWorld::SimWorld(uint32_t seed, SimOptions opt)
    : rng_(seed), opt_(opt), client_(world_config(seed, opt.canaries)) {
  server_.send = [this](uint32_t conn, const std::string& frame) { to_client(conn, frame); };
  server_.close = [this](uint32_t conn, int code, const std::string&) { kill(conn, code, true); };
}

int64_t SimWorld::latency() { return 5 + pick(146) + extra_latency_ms_; }

void SimWorld::feed(const Event& e) {
  if (!failure_.empty()) return;
  trace_.push_back("t=" + std::to_string(now_) + " in  " + encode_event(e).dump());
  if (std::holds_alternative<NetworkChanged>(e) || std::holds_alternative<VisibilityChanged>(e) ||
      std::holds_alternative<SessionWanted>(e))
    last_signal_at_ = now_;
  if (auto* c = std::get_if<WsClosed>(&e); c && c->conn_id == client_.connection().conn_id() && c->conn_id) {
    client_lost_at_ = now_;
    socket_ended(c->conn_id);
  }
  client_.handle(e, now_);
  while (auto eff = client_.poll()) {
    trace_.push_back("t=" + std::to_string(now_) + " out " + encode_effect(*eff).dump());
    carry_out(*eff);
  }
  if (!opt_.full_trace && trace_.size() > 400) trace_.erase(trace_.begin(), trace_.begin() + 200);
}

void SimWorld::carry_out(const Effect& effect) {
  if (auto* c = std::get_if<WsConnect>(&effect)) return connect(c->conn_id);
  if (auto* s = std::get_if<WsSend>(&effect)) {
    auto it = sockets_.find(s->conn_id);
    check(it != sockets_.end() && !it->second.client_closed, "a frame was sent on a socket the client had closed");
    if (it == sockets_.end()) return;
    Socket& sock = it->second;
    check(sock.welcomed || s->text.find("\"type\":\"msg\"") == std::string::npos,
          "a message went out before the socket's welcome");
    if (sock.dead || sock.half_open) return;
    const uint32_t conn = s->conn_id;
    const std::string text = s->text;
    sock.to_server_at = std::max(now_ + latency(), sock.to_server_at);
    at(sock.to_server_at, [this, conn, text] {
      if (!sockets_[conn].dead && !sockets_[conn].half_open) server_.frame(conn, text, now_);
    });
    return;
  }
  if (auto* c = std::get_if<WsClose>(&effect)) {
    auto it = sockets_.find(c->conn_id);
    if (it == sockets_.end()) return;
    socket_ended(c->conn_id);
    it->second.client_closed = true;
    const uint32_t conn = c->conn_id;
    const int code = c->code;
    at(now_ + latency(), [this, conn, code] {
      Socket& s = sockets_[conn];
      if (!s.dead) {
        s.dead = true;
        if (s.server_side) server_.closed(conn, now_);
      }
      feed(WsClosed{conn, code, "", s.client_open});  // browsers report their own closes too
    });
    return;
  }
  if (auto* p = std::get_if<HttpProbe>(&effect)) {
    const uint32_t conn = p->conn_id;
    const int status = !network_up_ ? 0 : server_up_ ? 200 : 503;
    at(now_ + latency(), [this, conn, status] { feed(ProbeAnswered{conn, status, -1}); });
    return;
  }
  if (auto* u = std::get_if<UserMessageShown>(&effect)) {
    if (std::find(accepted_.begin(), accepted_.end(), u->message_id) == accepted_.end()) accepted_.push_back(u->message_id);
    return;
  }
  if (auto* r = std::get_if<AgentReplyUpdated>(&effect)) {
    if (r->done) ++replies_done_[r->reply_to];
  }
}

void SimWorld::connect(uint32_t conn) {
  // Back-off must not reset on open: after repeated quick drops an attempt
  // that no browser signal asked for waits at least the policy's minimum.
  if (quick_drop_streak_ >= 3 && last_signal_at_ != now_ && client_lost_at_ >= 0)
    check(now_ - client_lost_at_ >= 100, "reconnected " + std::to_string(now_ - client_lost_at_) +
                                             " ms after the " + std::to_string(quick_drop_streak_) +
                                             "th quick drop in a row (back-off reset on open?)");
  sockets_[conn] = Socket{};
  connect_times_.push_back(now_);
  const int64_t t = now_ + latency();
  if (!network_up_ || !server_up_) {
    at(t, [this, conn] { kill(conn, 1006, true); });
    return;
  }
  const bool quick = quick_close_next_ > 0;
  if (quick) --quick_close_next_;
  at(t, [this, conn, quick] {
    Socket& s = sockets_[conn];
    if (s.dead || s.client_closed || !server_up_ || !network_up_) return kill(conn, 1006, true);
    s.server_side = true;
    server_.open(conn);
    s.client_open = true;
    feed(WsOpened{conn});
    if (quick) at(now_ + pick(500), [this, conn] { kill(conn, 1006, true); });
  });
}

// The client is done with a socket: count it in the quick-drop streak if it
// died within 2 s of its welcome; one that lived 5 s ends the streak.
void SimWorld::socket_ended(uint32_t conn) {
  Socket& s = sockets_[conn];
  if (s.welcomed_at < 0 || s.counted) return;
  s.counted = true;
  const int64_t lived = now_ - s.welcomed_at;
  if (lived < 2000) ++quick_drop_streak_;
  else if (lived >= 5000) quick_drop_streak_ = 0;
}

// The socket dies at the network level; the client hears of it (1006 or
// the server's code) one latency later, unless it already closed it.
void SimWorld::kill(uint32_t conn, int code, bool tell_client) {
  Socket& s = sockets_[conn];
  if (s.dead) return;
  s.dead = true;
  if (s.server_side) server_.closed(conn, now_);
  if (!tell_client) return;
  const bool was_open = s.client_open;
  at(now_ + latency(), [this, conn, code, was_open] { feed(WsClosed{conn, code, code == 4000 ? "replaced" : "", was_open}); });
}

void SimWorld::to_client(uint32_t conn, const std::string& frame) {
  Socket& s = sockets_[conn];
  if (s.dead || s.half_open) return;
  int64_t t = std::max(now_ + latency(), s.to_client_at);
  s.to_client_at = t;
  if (reorder_next_ > 0) { --reorder_next_; t += pick(300); }  // the server's own fault: this one may be overtaken
  const int copies = duplicate_next_ > 0 ? (--duplicate_next_, 2) : 1;
  for (int i = 0; i < copies; ++i)
    at(t + i, [this, conn, frame] {
      Socket& sock = sockets_[conn];
      if (sock.dead || sock.half_open) return;
      if (frame.find("\"type\":\"welcome\"") != std::string::npos && !sock.welcomed) {
        sock.welcomed = true;
        sock.welcomed_at = now_;
      }
      feed(WsFrame{conn, frame});
    });
}

void SimWorld::advance_to(int64_t target) {
  while (failure_.empty()) {
    const auto deadline = client_.next_deadline();
    const int64_t tick_at = deadline ? std::max(*deadline, now_) + timers_late_ms_ : kNever;
    const int64_t event_at = queue_.empty() ? kNever : queue_.top().at;
    const int64_t next = std::min(tick_at, event_at);
    if (next > target) break;
    now_ = std::max(now_, next);
    if (event_at <= tick_at) {
      auto fire = queue_.top().fire;
      queue_.pop();
      fire();
    } else {
      feed(Tick{});
    }
    invariants();
  }
  now_ = std::max(now_, target);
}

void SimWorld::fault_step() {
  const uint32_t current = client_.connection().conn_id();
  switch (pick(16)) {
    case 0: case 1: case 2: case 3:
      feed(HostSend{"question " + std::to_string(next_text_++)});
      break;
    case 4:
      if (current) kill(current, 1006, true);
      break;
    case 5:
      if (current) sockets_[current].half_open = true;
      break;
    case 6: {
      server_up_ = false;
      server_.restart();
      at(now_ + pick(10000), [this] { server_up_ = true; });
      break;
    }
    case 7: {
      network_up_ = false;
      if (pick(10) < 7) feed(NetworkChanged{false});
      for (auto& [id, s] : sockets_)
        if (!s.dead) { if (pick(2)) kill(id, 1006, true); else s.half_open = true; }
      at(now_ + pick(30000), [this] {
        network_up_ = true;
        if (pick(10) < 8) feed(NetworkChanged{true});
      });
      break;
    }
    case 8:
      feed(NetworkChanged{true});  // "online" while perhaps still offline
      break;
    case 9: {
      visible_ = false;
      timers_late_ms_ = pick(60000);
      feed(VisibilityChanged{false});
      at(now_ + pick(90000), [this] { visible_ = true; timers_late_ms_ = 0; feed(VisibilityChanged{true}); });
      break;
    }
    case 10: {  // sleep: the clock jumps, sockets die
      now_ += 60000 + pick(7200000);
      for (auto& [id, s] : sockets_)
        if (!s.dead) kill(id, 1006, true);
      feed(Tick{});
      break;
    }
    case 11: duplicate_next_ = 3; break;
    case 12: reorder_next_ = 3; break;
    case 13:
      extra_latency_ms_ = pick(5000);
      at(now_ + 10000, [this] { extra_latency_ms_ = 0; });
      break;
    case 14: quick_close_next_ = 8; break;
    case 15: feed(SessionWanted{}); break;
  }
}

}  // namespace natter::sim
