#include "voice/call/voice_ladder.hpp"

#include <algorithm>

#include "client.hpp"
#include "session/session_frames.hpp"

namespace natter {

const char* const kLadderNames[] = {"Off", "WebSocket", "ExpectConfig", "ExpectChannel",
                                    "Direct", "Relayed", "RestartConfig", "Restarting"};
const Transition<Ladder> kLadderTransitions[] = {
    {Ladder::Off, Ladder::WebSocket, NATTER_ON("voice.started on the live session")},
    {Ladder::WebSocket, Ladder::ExpectConfig, NATTER_ON("WebRTC offered: at once, after the climb delay, or online")},
    {Ladder::ExpectConfig, Ladder::ExpectChannel, NATTER_ON("voice.rtc_config (peer connection opened)")},
    {Ladder::ExpectConfig, Ladder::WebSocket, NATTER_ON("no config within kSetupMs")},
    {Ladder::ExpectChannel, Ladder::Direct, NATTER_ON("channel open on a direct pair")},
    {Ladder::ExpectChannel, Ladder::Relayed, NATTER_ON("channel open through TURN")},
    {Ladder::ExpectChannel, Ladder::WebSocket, NATTER_ON("failed, closed, or no channel within kSetupMs")},
    {Ladder::Direct, Ladder::WebSocket, NATTER_ON("closed, ICE failed, or no pong for kLivenessMs and none yet")},
    {Ladder::Relayed, Ladder::WebSocket, NATTER_ON("closed, ICE failed, or no pong for kLivenessMs and none yet")},
    {Ladder::ExpectChannel, Ladder::ExpectConfig, NATTER_ON("online: a new peer connection (stale candidates)")},
    {Ladder::Direct, Ladder::RestartConfig, NATTER_ON("online, a new link, or pongs stopped: fresh config asked")},
    {Ladder::Relayed, Ladder::RestartConfig, NATTER_ON("online, a new link, or pongs stopped: fresh config asked")},
    {Ladder::RestartConfig, Ladder::Restarting, NATTER_ON("voice.rtc_config (ICE restart of the same pc)")},
    {Ladder::RestartConfig, Ladder::ExpectConfig, NATTER_ON("failed, closed, or no config within kRestartMs")},
    {Ladder::Restarting, Ladder::Direct, NATTER_ON("channel open again on a direct pair")},
    {Ladder::Restarting, Ladder::Relayed, NATTER_ON("channel open again through TURN")},
    {Ladder::Restarting, Ladder::ExpectConfig, NATTER_ON("failed, closed, or no channel within kRestartMs")},
    {Ladder::WebSocket, Ladder::Off, NATTER_ON("call ended or session lost")},
    {Ladder::ExpectConfig, Ladder::Off, NATTER_ON("call ended or session lost")},
    {Ladder::ExpectChannel, Ladder::Off, NATTER_ON("call ended or session lost")},
    {Ladder::Direct, Ladder::Off, NATTER_ON("call ended or session lost")},
    {Ladder::Relayed, Ladder::Off, NATTER_ON("call ended or session lost")},
    {Ladder::RestartConfig, Ladder::Off, NATTER_ON("call ended or session lost")},
    {Ladder::Restarting, Ladder::Off, NATTER_ON("call ended or session lost")},
};
const std::size_t kLadderTransitionCount = sizeof(kLadderTransitions) / sizeof(kLadderTransitions[0]);
const MachineTable<Ladder> kLadderMachine{"voice ladder", kLadderNames, kLadderTransitions};
const MachineTable<Ladder>& table_of(Ladder) { return kLadderMachine; }

bool VoiceLadder::go(Ladder to) {
  if (!machine_go(state_, to, c_)) return false;
  if (to != Ladder::Relayed) relay_.clear();
  if (to == Ladder::Off || to == Ladder::WebSocket || to == Ladder::ExpectConfig) pc_id_ = 0;
  return true;
}

std::string VoiceLadder::rung() const {
  switch (state_) {
    case Ladder::Off: return "";
    case Ladder::Direct: return "webrtc_direct";
    case Ladder::Relayed: return relay_.empty() ? "turn" : "turn_" + relay_;
    default: return "websocket";
  }
}

void VoiceLadder::on_call_live(const std::string& call_id, uint32_t conn_id, bool offered, int64_t now) {
  if (state_ != Ladder::Off) on_call_down();
  call_id_ = call_id;
  conn_id_ = conn_id;
  offered_ = offered;
  if (!go(Ladder::WebSocket)) return;
  route();  // the socket: for the whole call where WebRTC is not offered (an old gateway, a browser without it)
  if (offered_) climb(now);  // raced: frames ride the socket until a channel opens
}

void VoiceLadder::on_runtime_ready(int64_t now) {
  // Still on the WebSocket, offered, and no retry armed: the climb that
  // waited for the chunk (a failed climb's back-off keeps its own time).
  if (state_ == Ladder::WebSocket && offered_ && !c_.timers_.armed(TimerName::RtcDeadline)) climb(now);
}

void VoiceLadder::on_call_down() {
  if (state_ == Ladder::Off) return;
  // The gateway closes its side with the call (or the socket); only ours is left.
  close_pc(false);
  go(Ladder::Off);  // legal from every other state
  // The route ends with the call: frames never aim at a closed channel, and
  // the rung the support dump shows is the live call's, blank between calls.
  route();
  c_.timers_.cancel(TimerName::RtcDeadline);
  c_.timers_.cancel(TimerName::RtcPing);
}

void VoiceLadder::climb(int64_t now) {
  // The WebRTC link is in the voice chunk (shim/voice/rtc-link.js): no
  // rtc_* effect before it is there. on_runtime_ready climbs then.
  if (c_.runtime_.state() != RuntimeState::Ready) return;
  if (!c_.conn_.live() || !go(Ladder::ExpectConfig)) return;
  c_.conn_.send(encode_voice_rtc_request(call_id_));
  c_.timers_.set(TimerName::RtcDeadline, now + kSetupMs);
  c_.timers_.cancel(TimerName::RtcPing);
}

void VoiceLadder::on_config(const RtcConfigFrame& f, int64_t) {
  if (state_ == Ladder::RestartConfig && f.call_id == call_id_) {
    if (go(Ladder::Restarting)) c_.out_.emplace_back(RtcRestart{pc_id_, f.ice_servers_json});  // the restart bound runs on
    return;
  }
  if (state_ != Ladder::ExpectConfig || f.call_id != call_id_) return;
  const uint32_t pc = ++next_pc_;
  if (!go(Ladder::ExpectChannel)) return;
  pc_id_ = pc;
  c_.out_.emplace_back(RtcOpen{pc_id_, f.ice_servers_json});  // the setup deadline still runs
}

void VoiceLadder::on_offer_ready(uint32_t pc_id, const std::string& sdp) {
  if ((state_ != Ladder::ExpectChannel && state_ != Ladder::Restarting) || !ours(pc_id)) return;
  c_.conn_.send(encode_voice_rtc_offer(call_id_, pc_id_, sdp, state_ == Ladder::Restarting));
}

void VoiceLadder::on_answer(const RtcAnswerFrame& f) {
  if ((state_ != Ladder::ExpectChannel && state_ != Ladder::Restarting) || f.call_id != call_id_ || !ours(f.pc_id)) {
    return;
  }
  c_.out_.emplace_back(RtcRemoteAnswer{pc_id_, f.sdp});
}

void VoiceLadder::on_channel_open(uint32_t pc_id, const std::string& candidate_type,
                                  const std::string& relay_protocol, int64_t now) {
  if ((state_ != Ladder::ExpectChannel && state_ != Ladder::Restarting) || !ours(pc_id)) return;
  const bool relayed = candidate_type == "relay";
  if (!go(relayed ? Ladder::Relayed : Ladder::Direct)) return;
  if (relayed && (relay_protocol == "udp" || relay_protocol == "tcp" || relay_protocol == "tls")) relay_ = relay_protocol;
  channel_since_ = now;
  ponged_ = false;
  meter_.reset();  // a new path: nothing measured on it yet
  downlink_loss_.reset();
  c_.timers_.set(TimerName::RtcDeadline, now + kLivenessMs);
  c_.timers_.set(TimerName::RtcPing, now + kPingMs);
  route();
}

namespace {

std::string measured(const voice::PathQuality& q) {
  const int tenths = static_cast<int>(q.loss_pct * 10 + 0.5);
  return "loss " + std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " %, rtt " +
         std::to_string(q.rtt_ms) + " ms";
}

// "voice encoder lossy (20 kbit/s, FEC on, 10 %): <why>"
Log level_log(const char* what, int level, const std::string& why) {
  const voice::EncoderLevel& l = voice::kEncoderLevels[level];
  return Log{"info", std::string(what) + " " + l.name + " (" + std::to_string(l.setting.bitrate / 1000) +
                         " kbit/s, FEC " + (l.setting.fec ? "on" : "off") + ", " + std::to_string(l.setting.loss_perc) +
                         " %): " + why};
}

}  // namespace

void VoiceLadder::on_pong(const RtcPong& pong, int64_t now) {
  if ((state_ != Ladder::Direct && state_ != Ladder::Relayed) || !ours(pong.pc_id)) return;
  c_.timers_.set(TimerName::RtcDeadline, now + kLivenessMs);
  ponged_ = true;
  if (meter_.pong(pong.text, now)) {  // a new uplink loss report
    const voice::PathQuality q = meter_.quality();
    set_encoder(voice::choose_encoder_level(encoder_level_, q), measured(q));
  }
  if (downlink_loss_.report(pong.received, pong.expected)) {
    const voice::PathQuality q{downlink_loss_.loss_pct(), meter_.rtt_ms()};
    set_downlink(voice::choose_encoder_level(downlink_level_, q), measured(q));
  }
}

void VoiceLadder::set_encoder(int level, const std::string& why) {
  if (level == encoder_level_) return;
  encoder_level_ = level;
  const voice::EncoderSetting& s = voice::kEncoderLevels[level].setting;
  c_.out_.emplace_back(VoiceEncoderSet{s.bitrate, s.fec, s.loss_perc});
  c_.out_.emplace_back(level_log("voice encoder", level, why));
}

void VoiceLadder::set_downlink(int level, const std::string& why) {
  if (level == downlink_level_) return;
  downlink_level_ = level;
  c_.out_.emplace_back(level_log("voice downlink", level, why));
}

void VoiceLadder::on_failed(uint32_t pc_id, const std::string& reason, int64_t now) {
  if (!ours(pc_id)) return;  // a late report of a connection already given up
  if (restarting()) return renew("the ICE restart failed (" + reason + ")", now, true);
  fall("WebRTC failed (" + reason + ")", now, true);
}

void VoiceLadder::on_server_closed(const RtcClosedFrame& f, int64_t now) {
  if (f.call_id != call_id_ || !ours(f.pc_id)) return;
  if (restarting()) return renew("the gateway closed the restarting WebRTC (" + f.reason + ")", now, false);
  fall("the gateway closed WebRTC (" + f.reason + ")", now, false);
}

void VoiceLadder::on_online(int64_t now) {
  switch (state_) {
    case Ladder::WebSocket:
      if (offered_) climb(now);  // a new network may let WebRTC through
      return;
    case Ladder::Direct:
    case Ladder::Relayed: return restart("the network changed", now);
    case Ladder::ExpectChannel: return renew("the network changed during the setup", now, true);
    default: return;  // a config is on its way, or a restart runs under its own bound
  }
}

void VoiceLadder::restart(const std::string& why, int64_t now) {
  if (!c_.conn_.live() || !go(Ladder::RestartConfig)) return;
  c_.conn_.send(encode_voice_rtc_request(call_id_));  // the gateway mints fresh TURN credentials for each
  c_.timers_.set(TimerName::RtcDeadline, now + kRestartMs);
  c_.timers_.cancel(TimerName::RtcPing);
  c_.out_.emplace_back(Log{"info", "voice: " + why + "; ICE restart of WebRTC " + std::to_string(pc_id_)});
  route();  // the WebSocket while it restarts
}

void VoiceLadder::renew(const std::string& why, int64_t now, bool tell_server) {
  close_pc(tell_server);
  c_.out_.emplace_back(Log{"info", "voice: " + why + "; a new WebRTC peer connection"});
  if (!c_.conn_.live() || !go(Ladder::ExpectConfig)) return;
  c_.conn_.send(encode_voice_rtc_request(call_id_));
  c_.timers_.set(TimerName::RtcDeadline, now + kSetupMs);
  c_.timers_.cancel(TimerName::RtcPing);
}

void VoiceLadder::on_timer(TimerName name, int64_t now) {
  if (name == TimerName::RtcPing) {
    if (state_ != Ladder::Direct && state_ != Ladder::Relayed) return;
    std::string text = meter_.ping(now);
    if (downlink_level_ != voice::kCleanLevel) {
      const voice::EncoderSetting& s = voice::kEncoderLevels[downlink_level_].setting;
      text += " dl=" + std::to_string(s.bitrate) + (s.fec ? "/1/" : "/0/") + std::to_string(s.loss_perc);
    }
    c_.out_.emplace_back(RtcPing{pc_id_, std::move(text)});
    c_.timers_.set(TimerName::RtcPing, now + kPingMs);
    return;
  }
  switch (state_) {
    case Ladder::WebSocket:
      if (offered_) climb(now);
      return;
    case Ladder::ExpectConfig:
    case Ladder::ExpectChannel:
      return fall("no WebRTC channel within " + std::to_string(kSetupMs) + " ms", now, true);
    case Ladder::RestartConfig:
    case Ladder::Restarting:
      return renew("no channel from the ICE restart within " + std::to_string(kRestartMs) + " ms", now, true);
    case Ladder::Direct:
    case Ladder::Relayed: {
      const std::string silent = "no pong on the channel for " + std::to_string(kLivenessMs) + " ms";
      // A path that answered and then went silent most likely changed under
      // us (a network change the browser did not announce): restart ICE
      // first, as on `online`. One that never answered since it (re)opened
      // is not helped by another restart: the WebSocket, and the back-off.
      if (ponged_) return restart(silent, now);
      return fall(silent, now, true);
    }
    case Ladder::Off: return;
  }
}

void VoiceLadder::fall(const std::string& why, int64_t now, bool tell_server) {
  const bool was_on_channel = state_ == Ladder::Direct || state_ == Ladder::Relayed;
  if (state_ == Ladder::WebSocket || state_ == Ladder::Off) return;
  close_pc(tell_server);
  go(Ladder::WebSocket);  // legal from every state left here
  if (was_on_channel && now - channel_since_ >= kStableMs) failures_ = 0;  // it held: a fresh ladder
  ++failures_;
  const int64_t delay = std::min<int64_t>(kRetryMs << std::min<uint32_t>(failures_ - 1, 8), kRetryMaxMs);
  c_.timers_.set(TimerName::RtcDeadline, now + delay);
  c_.timers_.cancel(TimerName::RtcPing);
  c_.out_.emplace_back(Log{"info", "voice back on the WebSocket: " + why + "; WebRTC again in " + std::to_string(delay) +
                                    " ms"});
  if (!(c_.config_.canaries & kCanaryRouteKeptOnFall)) route();
}

void VoiceLadder::close_pc(bool tell_server) {
  if (pc_id_ == 0) return;
  c_.out_.emplace_back(RtcClose{pc_id_});
  if (tell_server) c_.conn_.send(encode_voice_rtc_close(call_id_, pc_id_));
  pc_id_ = 0;
}

void VoiceLadder::route() {
  const bool on_channel = state_ == Ladder::Direct || state_ == Ladder::Relayed;
  c_.out_.emplace_back(VoiceRoute{on_channel ? "rtc" : "websocket", on_channel ? pc_id_ : 0, rung(),
                               on_channel ? kMaxBufferedBytes : 0});
  if (on_channel) c_.out_.emplace_back(Log{"info", "voice rides " + rung()});
  else {
    set_encoder(voice::kCleanLevel, "back on the WebSocket");
    set_downlink(voice::kCleanLevel, "back on the WebSocket");
  }
}

}  // namespace natter
