// The fault schedule of a SimWorld: what the seed makes happen between
// steps, and the page reloads and send floods some faults involve.
#include <nlohmann/json.hpp>

#include "sim_world.hpp"

namespace natter::sim {

Config world_config(uint32_t seed, uint32_t canaries, bool tokens, bool rtc);

void SimWorld::fault_step() {
  const uint32_t current = client_->connection().conn_id();
  switch (pick(21)) {
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
      if (kind_.rtc) {
        ++ladder_figures_.server_restarts;
        server_.offer_rtc = rpick(4) != 0;  // a gateway may come back without WebRTC (no TURN configured)
      }
      at_world(now_ + pick(10000), [this] { server_up_ = true; });
      break;
    }
    case 7: {
      network_up_ = false;
      if (pick(10) < 7) feed(NetworkChanged{false});
      for (auto& [id, s] : sockets_)
        if (!s.dead) { if (pick(2)) kill(id, 1006, true); else s.half_open = true; }
      at_world(now_ + pick(30000), [this] {
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
      at_world(now_ + pick(90000), [this] { visible_ = true; timers_late_ms_ = 0; feed(VisibilityChanged{true}); });
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
      at_world(now_ + 10000, [this] { extra_latency_ms_ = 0; });
      break;
    case 14: quick_close_next_ = 8; break;
    case 15: feed(SessionWanted{}); break;
    case 16: flood_during_outage(); break;
    case 17: {  // another tab takes the session; the shopper presses "Use here" later
      const uint32_t replaced = server_.session_conn(session_id());
      server_.replace_by_other_tab(session_id());
      at(now_ + 500 + pick(20000), [this, replaced] {
        // "Use here" is only offered once the client has heard the 4000: if
        // that close is still on its way (a latency spike), the shopper
        // presses it when it shows, not before.
        if (replaced && client_->connection().conn_id() == replaced && client_->connection().state() != ConnState::Closed)
          use_here_when_offered_ = true;
        feed(RetryNowClicked{});
      });
      break;
    }
    case 18:  // a release the client must reload for; the shopper reloads
      if (opt_.single_page) break;
      server_.require_update(session_id());
      at(now_ + 500 + pick(20000), [this] { reload_page(); });
      break;
    case 19:  // a reload or force-quit at any moment
      if (!opt_.single_page) reload_page();
      break;
    case 20:
      if (kind_.tokens) server_.revoke_tokens();  // every token so far is refused (4003)
      break;
  }
  if (kind_.voice) voice_step();
  if (kind_.rtc) rtc_fault_step();
  if (kind_.staff) staff_step();
}

// The page goes away (its sockets close, its fetches are forgotten) and a
// new page boots the core from what the old one persisted last, as the
// shim does from sessionStorage (shim/config.js).
void SimWorld::reload_page() {
  for (auto& [id, s] : sockets_)
    if (!s.dead) kill(id, 1001, false);
  sockets_.clear();
  ++page_;
  Config c = world_config(seed_, opt_.canaries, kind_.tokens, kind_.rtc);
  c.seed_lo ^= static_cast<uint64_t>(page_) << 32;  // a new page, new randomness
  const auto blob = nlohmann::json::parse(persisted_, nullptr, false);
  if (blob.is_object()) {
    c.conversation_id = blob.value("session_id", c.conversation_id);
    c.resume_token = blob.value("resume_token", "");
    c.last_event_seq = blob.value("last_event_seq", uint64_t{0});
    if (blob.contains("outbox")) c.outbox_json = blob["outbox"].dump();
    if (blob.contains("transcript")) c.transcript_json = blob["transcript"].dump();
  }
  client_ = std::make_unique<Client>(c);
  call_ = CallSeen{};  // a call ends with its page
  rtc_.pcs.clear();    // and its peer connections, and the shim's route
  rtc_.via = "websocket", rtc_.route_pc = 0, rtc_.rung.clear();
  use_here_when_offered_ = false;
  replies_done_.clear();  // the new page shows each finished reply once, from its transcript
  client_lost_at_ = -1;
  quick_drop_streak_ = 0;
  refusals_since_stable_ = 0;
  live_since_ = -1;
  trace_.push_back("t=" + std::to_string(now_) + " -- page reloaded");
  feed(SessionWanted{});
}

// A long outage with the shopper typing on: more messages and more bytes
// than the outbox holds. Past its bounds each send must be refused with
// outbox_full (and accept nothing); everything accepted must still be
// delivered once the network is back (checked at convergence).
void SimWorld::flood_during_outage() {
  network_up_ = false;
  for (auto& [id, s] : sockets_)
    if (!s.dead) kill(id, 1006, true);
  if (pick(2)) feed(NetworkChanged{false});
  advance_to(now_ + 1000);
  const size_t before = accepted_.size();
  const int refusals_before = outbox_refusals_;
  const int sends = static_cast<int>(Outbox::kMaxMessages) + 5;
  const bool long_texts = pick(2);  // 3,500-byte texts reach the byte bound first
  bool stayed_down = true;  // an earlier outage's end may bring the network back mid-flood
  for (int i = 0; i < sends && failure_.empty(); ++i) {
    std::string text = "question " + std::to_string(next_text_++);
    if (long_texts) text += " " + std::string(3500, 'x');
    const size_t shown = accepted_.size();
    stayed_down = stayed_down && !client_->connection().live();
    feed(HostSend{text});
    if (stayed_down)  // (while live, a send waiting for its ack blocks the next: not a refusal)
      check(refused_now_ != (accepted_.size() > shown), "S7", "a send was neither accepted nor refused with outbox_full");
    check(client_->delivery().outbox().size() <= Outbox::kMaxMessages, "S7", "the outbox outgrew its count bound");
  }
  if (stayed_down)
    check(outbox_refusals_ > refusals_before, "S7",
          "a flood of " + std::to_string(sends) + " sends in an outage was never refused (" +
              std::to_string(accepted_.size() - before) + " accepted)");
  at_world(now_ + 20000 + pick(40000), [this] {
    network_up_ = true;
    if (pick(2)) feed(NetworkChanged{true});
  });
}

}  // namespace natter::sim
