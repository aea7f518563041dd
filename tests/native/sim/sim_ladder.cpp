// The voice ladder in a SimWorld (WebRTC worlds: WorldKind::rtc). The
// simulated gateway offers WebRTC (sim_server.hpp); the simulated host
// answers the core's RtcOpen (an offer after a delay), RtcRestart (an ICE
// restart of the same peer connection: an offer after a delay, as for
// RtcOpen), RtcRemoteAnswer (a channel after a delay, on a random pair:
// host/srflx is Direct, relay over udp/tcp/tls is Relayed; after a restart
// the same channel reported open again on the pair now selected, or ICE
// failing, or nothing, under the same faults), RtcPing (a pong, unless the
// path is faulted) and RtcClose, as shim/voice/rtc-link.js does. The microphone's frames are
// modelled in every voice world: one frame (the next seq of the call) each
// time the host acts, at most one per 20 ms, sent on whatever route the
// latest VoiceRoute names while the uplink is open; the server records which
// seqs arrived on which path. Delivery is immediate when the path works:
// latency changes when a frame arrives, never which path it took.
//
// The invariants, each checked where it can first fail:
//   R1 a rung change never ends the call, never asks for the microphone
//      again, never asks for the greeting again (no effect of an event that
//      moved the ladder between two rungs, or of a WebRTC event, does so).
//   R2 no frame seq reaches the agent twice: a frame goes on one path.
//   R3 frames go on "rtc" only while that pc's channel is open: after its
//      RtcChannelOpen, before any RtcFailed, RtcClose or voice.rtc_closed.
//   R4 at most one peer connection at a time: an RtcOpen comes only once
//      every earlier one was closed.
//   R5 once faults stop, a call offered WebRTC whose path works is on a
//      channel within kSetupMs + kRetryMaxMs + kSetupMs of the later of the
//      stop and the call's last voice.started: a try the faults stalled runs
//      out (kSetupMs), the back-off after it (at most kRetryMaxMs), then a
//      try on a working path (which opens well within kSetupMs).
//   R6 once faults stop, a call whose path stays dead sends no frame on a
//      channel after kLivenessMs + 20 ms (one frame) from the stop: the last
//      pong came at the latest at the stop, and timers are no longer late.
//      Weakly reached: with the liveness fall planted away it failed at seed
//      597 while staff worlds were WebRTC worlds, and not within 4,000 seeds
//      since they are not (a call must be on a channel, uplink open, when
//      faults stop with the path left dead).
//   R7 no rtc_* effect before the voice chunk loaded (VoiceRuntimeLoaded):
//      the browser's WebRTC link is downloaded with it.
#include <nlohmann/json.hpp>

#include "sim_world.hpp"

namespace natter::sim {
namespace {

constexpr int64_t kFrameMs = 20;
constexpr int64_t kDeadPathSlackMs = kFrameMs;
constexpr int64_t kChannelBoundMs = VoiceLadder::kSetupMs + VoiceLadder::kRetryMaxMs + VoiceLadder::kSetupMs;

bool on_a_channel(Ladder s) { return s == Ladder::Direct || s == Ladder::Relayed; }

// An event that is the ladder's own business: its effects must leave the call alone (R1).
bool is_rtc_event(const Event& e) {
  if (std::holds_alternative<RtcOfferReady>(e) || std::holds_alternative<RtcChannelOpen>(e) ||
      std::holds_alternative<RtcPong>(e) || std::holds_alternative<RtcFailed>(e))
    return true;
  const auto* f = std::get_if<WsFrame>(&e);
  return f && f->text.find("\"voice.rtc_") != std::string::npos;
}

}  // namespace

// What the host knows of peer connection `pc_id` (never opened: not open).
SimWorld::PeerSeen SimWorld::peer(uint32_t pc_id) const {
  auto it = rtc_.pcs.find(pc_id);
  return it == rtc_.pcs.end() ? PeerSeen{} : it->second;
}

// Before the core sees an event: the host sends the microphone frame due now
// (on the route the core named last), and notes where the ladder stands.
void SimWorld::before_feed_voice(const Event& e) {
  send_mic_frame();
  rtc_.ladder_before = client_->ladder().state();
  rtc_.rtc_event = is_rtc_event(e);
  // From here on the channel is closed for the core: no frame may take it (R3).
  uint32_t closed = 0;
  if (auto* f = std::get_if<RtcFailed>(&e)) closed = f->pc_id;
  const auto* frame = std::get_if<WsFrame>(&e);
  if (frame && rtc_.rtc_event && frame->conn_id == client_->connection().conn_id() &&
      frame->text.find("\"voice.rtc_closed\"") != std::string::npos) {
    const auto j = nlohmann::json::parse(frame->text, nullptr, false);
    if (j.is_object()) closed = j.value("pc_id", 0u);
  }
  if (auto pc = rtc_.pcs.find(closed); closed && pc != rtc_.pcs.end()) pc->second.gone = true;
}

void SimWorld::send_mic_frame() {
  if (!call_.uplink_open || call_.call_id.empty() || now_ - rtc_.last_frame_at < kFrameMs) return;
  rtc_.last_frame_at = now_;
  const uint32_t seq = ++call_.frames_sent;
  const std::string session = session_id();
  const bool for_this_call = server_.call_of(session) == call_.call_id;
  if (rtc_.via == "rtc") {
    if (rtc_.dead_after_stop)
      check(now_ <= rtc_.stopped_at + VoiceLadder::kLivenessMs + kDeadPathSlackMs, "R6",
            "frame " + std::to_string(seq) + " went on a dead channel " + std::to_string(now_ - rtc_.stopped_at) + " ms after faults stopped");
    const PeerSeen pc = peer(rtc_.route_pc);
    check(pc.open && !pc.gone, "R3",
          "frame " + std::to_string(seq) + " went on pc " + std::to_string(rtc_.route_pc) + " whose channel is " +
              (pc.gone ? "closed" : "not open"));
    if (pc.open && !pc.gone && !pc.failed && rtc_.path_up && for_this_call && server_.rtc_pc(session) == rtc_.route_pc) {
      ++ladder_figures_.frames_rtc;
      check(server_.uplink_frame(call_.call_id, seq, 'r'), "R2", "frame " + std::to_string(seq) + " reached the agent twice (again on rtc)");
    }
    return;
  }
  auto it = sockets_.find(call_.uplink_conn);
  if (it == sockets_.end() || it->second.dead || it->second.half_open || !for_this_call ||
      server_.voice_conn(session) != call_.uplink_conn)
    return;  // refused or lost with the socket: the agent never hears it
  if (kind_.rtc) ++ladder_figures_.frames_websocket;
  check(server_.uplink_frame(call_.call_id, seq, 'w'), "R2", "frame " + std::to_string(seq) + " reached the agent twice (again on the WebSocket)");
}

// What the host does for the ladder's effects, and what they must obey.
void SimWorld::carry_out_rtc(const Effect& effect) {
  // R1: an event that moved the ladder between two rungs, or a WebRTC event.
  const Ladder after = client_->ladder().state();
  const bool rung_change =
      rtc_.ladder_before != Ladder::Off && (rtc_.rtc_event || (after != Ladder::Off && rtc_.ladder_before != after));
  if (rung_change) {
    if (auto* v = std::get_if<VoiceStateChanged>(&effect))
      check(v->state != "off" && v->state != "ending", "R1", "a rung change ended the call (" + v->state + ")");
    // The call's first ask may share a step with its first climb: both wait
    // for the voice chunk (VoiceRuntimeLoaded). Any later one is "again".
    check(!std::holds_alternative<MicrophoneRequested>(effect) || call_.mic_requests == 0, "R1",
          "a rung change asked for the microphone again");
    if (auto* s = std::get_if<WsSend>(&effect))
      check(s->text.find("\"voice.start\"") == std::string::npos, "R1", "a rung change sent voice.start again: " + s->text);
  }
  const bool rtc_effect = std::holds_alternative<RtcOpen>(effect) || std::holds_alternative<RtcRestart>(effect) ||
                          std::holds_alternative<RtcRemoteAnswer>(effect) || std::holds_alternative<RtcPing>(effect) ||
                          std::holds_alternative<RtcClose>(effect);
  if (rtc_effect)
    check(client_->runtime().state() == RuntimeState::Ready, "R7",
          std::string("an rtc_* effect while the voice chunk is ") + state_name(client_->runtime().state()));
  if (auto* o = std::get_if<RtcOpen>(&effect)) {
    for (const auto& [id, pc] : rtc_.pcs)
      check(pc.gone, "R4", "pc " + std::to_string(o->pc_id) + " opened while pc " + std::to_string(id) + " is still open");
    rtc_.pcs[o->pc_id] = PeerSeen{};
    ++ladder_figures_.peer_connections;
    if (++call_.pcs_opened > 1) ++ladder_figures_.retries;
    const uint32_t pc = o->pc_id;
    at(now_ + 20 + rpick(300), [this, pc] {
      if (!rtc_.pcs[pc].gone) feed(RtcOfferReady{pc, "v=0 sim offer"});
    });
  } else if (auto* rs = std::get_if<RtcRestart>(&effect)) {
    ++ladder_figures_.ice_restarts;
    const uint32_t pc = rs->pc_id;
    at(now_ + 20 + rpick(300), [this, pc] {  // regathered on the fresh servers: the iceRestart offer
      const PeerSeen p = peer(pc);
      if (!p.gone && !p.failed) feed(RtcOfferReady{pc, "v=0 sim restart offer"});
    });
  } else if (auto* a = std::get_if<RtcRemoteAnswer>(&effect)) {
    const uint32_t pc = a->pc_id;
    if (rtc_.path_up && !rtc_.setup_stalls) {
      at(now_ + 30 + rpick(1500), [this, pc] {
        PeerSeen& p = rtc_.pcs[pc];
        // The path died, or the gateway dropped this pc, before ICE finished: nothing opens.
        if (p.gone || p.failed || !rtc_.path_up || rtc_.setup_stalls || server_.rtc_pc(session_id()) != pc) return;
        p.open = true;
        static const char* const kPairs[][2] = {{"host", ""}, {"srflx", ""}, {"relay", "udp"}, {"relay", "tcp"}, {"relay", "tls"}};
        const auto& pair = kPairs[rpick(5)];
        feed(RtcChannelOpen{pc, pair[0], pair[1]});
      });
    } else if (rpick(2)) {  // ICE gives up on its own (else only the setup deadline ends it)
      at(now_ + 1000 + rpick(8000), [this, pc] {
        if (rtc_.pcs[pc].gone || rtc_.pcs[pc].failed) return;
        rtc_.pcs[pc].failed = true;
        feed(RtcFailed{pc, "ice failed"});
      });
    }
  } else if (auto* p = std::get_if<RtcPing>(&effect)) {
    const uint32_t pc = p->pc_id;
    at(now_ + 5 + rpick(300), [this, pc] {
      const PeerSeen s = peer(pc);
      if (s.open && !s.gone && !s.failed && rtc_.path_up && server_.rtc_pc(session_id()) == pc) feed(RtcPong{pc});
    });
  } else if (auto* c = std::get_if<RtcClose>(&effect)) {
    rtc_.pcs[c->pc_id].gone = true;
    const bool was_restarting = rtc_.ladder_before == Ladder::RestartConfig || rtc_.ladder_before == Ladder::Restarting;
    if (was_restarting && after == Ladder::ExpectConfig) ++ladder_figures_.ice_restarts_given_up;
  } else if (auto* r = std::get_if<VoiceRoute>(&effect)) {
    if (r->via == "rtc") {
      const PeerSeen pc = peer(r->pc_id);
      check(pc.open && !pc.gone, "R3", "the route names pc " + std::to_string(r->pc_id) + " whose channel is not open");
    }
    if (r->via == "rtc" && rtc_.ladder_before == Ladder::Restarting) ++ladder_figures_.ice_restarts_reopened;
    if (r->rung != rtc_.rung || r->via != rtc_.via) {
      ++ladder_figures_.rung_changes;
      ++(r->via == "rtc" ? ladder_figures_.onto_channel : ladder_figures_.back_to_websocket);
    }
    rtc_.via = r->via;
    rtc_.route_pc = r->pc_id;
    rtc_.rung = r->rung;
  }
}

// The WebRTC faults, interleaved with every other fault of the schedule.
void SimWorld::rtc_fault_step() {
  switch (rpick(10)) {
    case 0:  // the path dies: pongs stop, nothing opens; it returns later
      rtc_.path_up = false;
      at_world(now_ + rpick(40000), [this] { path_returns(); });
      break;
    case 1:  // the path dies and the browser says so (ICE failed, channel closed)
      rtc_.path_up = false;
      for (auto& [id, pc] : rtc_.pcs)
        if (!pc.gone && !pc.failed) {
          const uint32_t failed = id;
          at(now_ + 500 + rpick(5000), [this, failed] {
            if (rtc_.pcs[failed].gone || rtc_.pcs[failed].failed) return;
            rtc_.pcs[failed].failed = true;
            feed(RtcFailed{failed, "channel closed"});
          });
        }
      at_world(now_ + rpick(40000), [this] { path_returns(); });
      break;
    case 2:  // the gateway closes the call's peer connection
      server_.close_rtc(session_id(), "closed");
      break;
    case 3:  // setups never complete for a while: no channel within kSetupMs
      rtc_.setup_stalls = true;
      at_world(now_ + rpick(20000), [this] { rtc_.setup_stalls = false; });
      break;
    case 4: {  // a network change mid-call: the path blinks, the browser says online
      rtc_.path_up = false;
      at_world(now_ + 500 + rpick(2500), [this] {
        path_returns();
        feed(NetworkChanged{true});
      });
      break;
    }
    default:
      break;
  }
}

// A fault's end: the path works again, unless faults stopped with it dead for good.
void SimWorld::path_returns() {
  if (rtc_.stopped_at < 0) rtc_.path_up = true;
}

// Faults stop: the path works again, or (one world in four) stays dead.
void SimWorld::rtc_faults_stop() {
  rtc_.stopped_at = now_;
  rtc_.dead_after_stop = rpick(4) == 0;
  rtc_.path_up = !rtc_.dead_after_stop;
  rtc_.setup_stalls = false;
  server_.offer_rtc = true;  // calls reopened from here on are offered WebRTC (R5)
}

bool SimWorld::ladder_converged() {
  if (!kind_.rtc || !call_.wanted || call_.mic_denied || !call_.rtc_offered) return failure_.empty();
  if (rtc_.dead_after_stop) {
    check(!on_a_channel(client_->ladder().state()), "R6", "on a channel over a dead path at the end");
    return failure_.empty();
  }
  const int64_t deadline = std::max(rtc_.stopped_at, call_.live_at) + kChannelBoundMs;
  while (failure_.empty() && now_ < deadline && !(on_a_channel(client_->ladder().state()) && rtc_.via == "rtc"))
    advance_to(std::min(deadline, now_ + 100));
  check(on_a_channel(client_->ladder().state()) && rtc_.via == "rtc", "R5",
        "not back on a channel " + std::to_string(now_ - std::max(rtc_.stopped_at, call_.live_at)) +
            " ms after faults stopped (ladder " + state_name(client_->ladder().state()) + ", route " + rtc_.via + ")");
  return failure_.empty();
}

}  // namespace natter::sim
