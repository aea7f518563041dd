#include "sim_world.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace natter::sim {
namespace {

constexpr int64_t kNever = INT64_MAX;

}  // namespace

Config world_config(uint32_t seed, uint32_t canaries, bool tokens, bool rtc) {
  Config c;
  c.session_url = "ws://sim.test/api/session";
  c.conversation_id = "conv-" + std::to_string(seed);
  c.tab_id = "tab";
  c.seed_hi = seed;
  c.seed_lo = 0x9E3779B97F4A7C15ULL ^ seed;
  c.canaries = canaries;
  c.rtc = rtc;  // the browser has RTCPeerConnection
  if (tokens) c.token_url = "https://shop.sim.test/natter-token";
  return c;
}

std::string WorldKind::name() const {
  return std::string(durable_store ? "durable store" : "forgetting store") +
         (signalled_heal ? ", signalled heal" : ", heal by timers alone") + (tokens ? ", tokens" : "") +
         (voice ? ", voice calls" : "") + (rtc ? ", WebRTC" : "") + (staff ? ", staff step in" : "");
}

SimWorld::SimWorld(uint32_t seed, SimOptions opt)
    : rng_(seed), opt_(opt), kind_(WorldKind::of(seed)), seed_(seed),
      client_(std::make_unique<Client>(world_config(seed, opt.canaries, kind_.tokens, kind_.rtc))),
      voice_rng_(seed ^ 0x5BD1E995u), rtc_rng_(seed ^ 0x68E31DA4u), staff_rng_(seed ^ 0x27D4EB2Fu) {
  server_.offer_rtc = kind_.rtc;
  server_.handoff = kind_.staff;
  server_.durable = kind_.durable_store;
  server_.require_token = kind_.tokens;
  server_.send = [this](uint32_t conn, const std::string& frame) { to_client(conn, frame); };
  server_.close = [this](uint32_t conn, int code, const std::string& reason) { kill(conn, code, true, reason); };
}

int64_t SimWorld::latency() { return 5 + pick(146) + extra_latency_ms_; }

void SimWorld::feed(const Event& e) {
  if (!failure_.empty()) return;
  if (opt_.trace) trace_.push_back("t=" + std::to_string(now_) + " in  " + encode_event(e).dump());
  refused_now_ = notice_now_ = false;
  // A welcome that cannot resume the session the client holds a token for
  // (a forgetting store's restart, a window that expired): the client must
  // start fresh and say so.
  const auto* frame = std::get_if<WsFrame>(&e);
  const bool fresh_welcome = frame && frame->conn_id == client_->connection().conn_id() &&
                             client_->connection().state() == ConnState::ExpectWelcome &&
                             !client_->delivery().resume_token().empty() &&
                             frame->text.find("\"type\":\"welcome\"") != std::string::npos &&
                             frame->text.find("\"resumed\":false") != std::string::npos;
  if (std::holds_alternative<NetworkChanged>(e) || std::holds_alternative<VisibilityChanged>(e) ||
      std::holds_alternative<SessionWanted>(e) || std::holds_alternative<RetryNowClicked>(e))
    last_signal_at_ = now_;  // asked for an attempt now: no back-off applies
  // So does a send, a call or a request for a person while the chat
  // "continued in another tab": the shopper takes it back here (the widget
  // reconnects at once, by design).
  if ((std::holds_alternative<HostSend>(e) || std::holds_alternative<SendClicked>(e) ||
       std::holds_alternative<EnterPressed>(e) || std::holds_alternative<VoiceStartClicked>(e) ||
       std::holds_alternative<HandoffRequested>(e)) &&
      client_->connection().state() == ConnState::Closed)
    last_signal_at_ = now_;
  // An attempt a signal asked for may first fetch a token: it connects when the token comes.
  // (A signal while the token is on its way must not make that attempt look
  // unasked: seed 6966, a visibility change between a 4003 and its token.)
  if (std::holds_alternative<TokenReceived>(e) && token_for_signal_) last_signal_at_ = now_;
  if (std::holds_alternative<TokenReceived>(e) || std::holds_alternative<TokenFailed>(e)) token_for_signal_ = false;
  if (auto* c = std::get_if<WsClosed>(&e); c && c->conn_id == client_->connection().conn_id() && c->conn_id) {
    client_lost_at_ = now_;
    socket_ended(c->conn_id);
    if (c->code == 4003) {
      ++refusals_since_stable_;
      // The server refused the token: the client refreshes it and retries at
      // once (a refusal is an answer, not a drop), as if asked to.
      last_signal_at_ = now_;
    }
  }
  if (kind_.voice && frame && frame->conn_id == client_->connection().conn_id()) watch_voice_frame(frame->conn_id, frame->text);
  if (kind_.voice) before_feed_voice(e);
  client_->handle(e, now_);
  while (auto eff = client_->poll()) {
    if (opt_.trace) trace_.push_back("t=" + std::to_string(now_) + " out " + encode_effect(*eff).dump());
    watch_effect(*eff);
    carry_out(*eff);
  }
  if (fresh_welcome) check(notice_now_, "S3", "a fresh session after a token-holding hello showed no notice");
  if (!opt_.full_trace && trace_.size() > 400) trace_.erase(trace_.begin(), trace_.begin() + 200);
}

void SimWorld::carry_out(const Effect& effect) {
  if (kind_.rtc) carry_out_rtc(effect);  // before V1..V3: a rung change's own check names it first
  if (kind_.voice) carry_out_voice(effect);
  if (kind_.staff) watch_staff_effect(effect);
  if (auto* c = std::get_if<WsConnect>(&effect)) return connect(c->conn_id);
  if (auto* s = std::get_if<WsSend>(&effect)) {
    auto it = sockets_.find(s->conn_id);
    check(it != sockets_.end() && !it->second.client_closed, "S4", "a frame was sent on a socket the client had closed");
    if (it == sockets_.end()) return;
    Socket& sock = it->second;
    check(sock.welcomed || s->text.find("\"type\":\"msg\"") == std::string::npos, "S3",
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
  if (auto* t = std::get_if<TokenRequested>(&effect)) {
    token_for_signal_ = last_signal_at_ == now_;  // asked for by a signalled attempt
    return answer_token(t->request_id);
  }
  if (auto* p = std::get_if<Persist>(&effect)) persisted_ = p->value;
}

// What the shopper would see: accepted messages, refusals, notices, replies.
void SimWorld::watch_effect(const Effect& effect) {
  if (auto* u = std::get_if<UserMessageShown>(&effect)) {
    if (std::find(accepted_.begin(), accepted_.end(), u->message_id) == accepted_.end()) accepted_.push_back(u->message_id);
    auto [it, fresh] = sent_text_.emplace(u->message_id, u->text);
    check(fresh || it->second == u->text, "S2", "message " + u->message_id + " was shown with another text");
  } else if (auto* r = std::get_if<AgentReplyUpdated>(&effect)) {
    if (r->done) ++replies_done_[r->reply_to], done_ever_.insert(r->reply_to);
  } else if (auto* c = std::get_if<ComposerError>(&effect)) {
    if (c->code == "outbox_full") ++outbox_refusals_, refused_now_ = true;
  } else if (auto* st = std::get_if<StatusChanged>(&effect); st && st->code == "closed_elsewhere" && use_here_when_offered_) {
    use_here_when_offered_ = false;
    at(now_ + 500, [this] { feed(RetryNowClicked{}); });
  } else if (auto* st = std::get_if<StatusChanged>(&effect); st && st->state == "failed") {
    // A refused token is refreshed once before the widget gives up
    // (docs/reliability.md: 401/403, refresh once, then retry); the
    // shopper then presses "Retry now".
    if (st->code == "credentials_refused") {
      check(refusals_since_stable_ >= 2, "L1", "gave up after " + std::to_string(refusals_since_stable_) + " token refusal(s), without refreshing the token once");
      at(now_ + 1000 + pick(5000), [this] { feed(RetryNowClicked{}); });
    }
  } else if (auto* n = std::get_if<NoticeShown>(&effect)) {
    if (n->code == "fresh_session") notice_now_ = true;
  } else if (auto* h = std::get_if<HostEvent>(&effect); h && h->name == "message") {
    const auto j = nlohmann::json::parse(h->payload, nullptr, false);
    if (j.is_object() && j.value("role", "") == "agent") {
      const std::string id = j.value("reply_to", ""), text = j.value("text", "");
      auto [it, fresh] = reply_text_.emplace(id, text);
      check(fresh || it->second == text, "L3", "the reply to " + id + " was assembled twice, differently");
    }
  }
}

// The shop's token endpoint answers one latency later (a failure when the
// network is down). Tokens live 120 s: the keeper refreshes them on its own.
void SimWorld::answer_token(uint32_t request_id) {
  const bool up = network_up_;
  const std::string token = "tok-" + std::to_string(server_.token_generation) + "-" + std::to_string(++tokens_issued_);
  at(now_ + latency(), [this, request_id, up, token] {
    if (up) feed(TokenReceived{request_id, token, 120});
    else feed(TokenFailed{request_id, 0, "network"});
  });
}

void SimWorld::connect(uint32_t conn) {
  // Back-off must not reset on open: after repeated quick drops an attempt
  // that no browser signal asked for waits at least the policy's minimum.
  if (quick_drop_streak_ >= 3 && last_signal_at_ != now_ && client_lost_at_ >= 0)
    check(now_ - client_lost_at_ >= 100, "L1", "reconnected " + std::to_string(now_ - client_lost_at_) +
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
void SimWorld::kill(uint32_t conn, int code, bool tell_client, const std::string& reason) {
  Socket& s = sockets_[conn];
  if (s.dead) return;
  s.dead = true;
  if (s.server_side) server_.closed(conn, now_);
  if (!tell_client) return;
  const bool was_open = s.client_open;
  at(now_ + latency(), [this, conn, code, reason, was_open] { feed(WsClosed{conn, code, reason, was_open}); });
}

void SimWorld::to_client(uint32_t conn, const std::string& frame) {
  Socket& s = sockets_[conn];
  if (s.dead || s.half_open) return;
  // The reorder fault is the server's own (TCP keeps a connection's order):
  // like the gateway's reorder_frames (tools/gateway/session/frame-sender.mjs)
  // it lets later events overtake an event, and moves nothing else. A welcome
  // or an ack never waits behind, nor is overtaken by, a delayed event: the
  // server writes its welcome before any event of the connection and keeps
  // acks in place, so a welcome overtaken by the replay that follows it (the
  // client drops events before its welcome, then waits for them forever) is
  // a fault no server produces.
  const bool event = frame.find("\"type\":\"event\"") != std::string::npos;
  int64_t t = std::max(now_ + latency(), s.to_client_at);
  if (!event) t = std::max(t, s.held_until);
  s.to_client_at = t;
  const int copies = duplicate_next_ > 0 ? (--duplicate_next_, 2) : 1;
  if (reorder_next_ > 0) {
    --reorder_next_;
    const int64_t delay = pick(300);  // drawn for every frame, as before: the seeds' schedules stay as they were
    if (event && delay > 0) {
      t += delay;
      s.held_until = std::max(s.held_until, t + copies - 1);
    }
  }
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
    const auto deadline = client_->next_deadline();
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

}  // namespace natter::sim
