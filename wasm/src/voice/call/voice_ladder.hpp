// Which transport a live voice call's frames ride: a ladder of rungs
// (docs/protocol.md, "Voice over WebRTC"; docs/voice-ladder-states.md is
// generated from kLadderTransitions).
//
// Rungs, best first:
//   webrtc_direct   a data channel over a direct (host/srflx) ICE pair
//   turn_udp/tcp/tls the same data channel relayed by the gateway's TURN
//   websocket       the live session's own socket: the floor, always there
// One peer connection carries every ICE candidate at once (host, then the
// TURN relay over udp, tcp and tls, as the gateway's ice_servers list them),
// so ICE's own priorities race direct against relayed and UDP against
// TCP/TLS; the rung is whichever pair ICE selected (the shim reads it from
// getStats). The frames are the same 8-byte-header Opus packets on every
// rung, with the sender's seq and timestamp: the jitter buffer plays each
// at most once whichever way it came (jitter_buffer.hpp).
//
// States carry only their own data:
//   Off           no call live on the session (or the call has ended)
//   WebSocket     frames on the socket; `climb` armed when WebRTC is offered
//   ExpectConfig  asked the gateway for ice_servers (fresh TURN credentials)
//   ExpectChannel a peer connection `pc_id` is offering / connecting
//   Direct        frames on pc_id's data channel, direct pair
//   Relayed       frames on pc_id's data channel through TURN (`relay`)
//   RestartConfig the network changed on a channel: asked the gateway for a
//                 fresh config (fresh TURN credentials); pc_id kept
//   Restarting    an ICE restart of pc_id offered with it (RtcRestart)
//
// The climb waits for the voice chunk (voice_runtime.hpp): the browser's
// side of WebRTC is downloaded with the audio code, on the first call.
// Bounds (stated, tested in voice_ladder_test.cpp):
//   - from asking for a config to an open channel: kSetupMs, else the call
//     stays on the WebSocket (it never left it: frames go there meanwhile);
//   - on a channel: a ping every kPingMs; a closed channel, ICE failed or
//     the gateway's voice.rtc_closed: back to the WebSocket at once; no pong
//     for kLivenessMs: back to the WebSocket at once too, and if pongs had
//     come on this channel, an ICE restart as on `online` (below): a path
//     that answered and then went silent is most often a network change
//     the browser did not announce (no `online` event);
//   - climbing back: kRetryMs after a failure, doubling per failure in a
//     row up to kRetryMaxMs; a channel that held kStableMs forgets the
//     failures; `online` (a network change) climbs at once;
//   - `online` (or a new link type, or pongs stopped, above) on a channel
//     (Direct, Relayed): an ICE restart of the same
//     peer connection with a fresh config, which must give an open channel
//     again within kRestartMs (config asked to channel reported open);
//     else, or if it fails or the gateway closes it, a new peer connection
//     (ExpectConfig, kSetupMs); if that fails too, the WebSocket. While it
//     restarts, frames ride the WebSocket: after a network change the old
//     pair is likely dead, and the socket (which reconnects by itself) is
//     the floor that always works; the channel's pings stop until it is
//     back. `online` while a channel is being set up (ExpectChannel): its
//     candidates are from the old network, so a new peer connection at once.
// A rung change never touches the call (voice_machine.hpp): no new
// microphone prompt, no new greeting, no voice.start, no ended call.
//
// The encoders follow the path, each direction measured by its
// receiver and decided here by the same pure policy (encoder_policy.hpp):
//   - uplink: on a channel, each ping carries its number and each pong the
//     gateway's count of the call's frames received / expected
//     (uplink_meter.hpp); after each report the policy picks a level, and
//     VoiceEncoderSet goes out only when it changes;
//   - downlink: with each pong the host reports its own count of the agent
//     frames that arrived on the channel (RtcPong received / expected); the
//     level picked from that loss and the ping's round trip rides every
//     following ping as " dl=<bitrate>/<fec 0|1>/<loss_perc>" (none: Clean),
//     and the gateway encodes the agent's next utterances so
//     (docs/protocol.md). On the unreliable channel a lost ping only delays
//     it by a second; a gateway that takes the call over learns it at once.
// Back on the WebSocket (TCP: loss shows as delay, not gaps, and no pongs
// measure it) both return to the Clean level.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/timers.hpp"
#include "base/machine.hpp"
#include "voice/call/uplink_meter.hpp"

namespace natter {

class Client;
struct RtcPong;

enum class Ladder : uint8_t { Off, WebSocket, ExpectConfig, ExpectChannel, Direct, Relayed, RestartConfig, Restarting };
// Its table (base/machine.hpp: is_legal, state_name, machine_go).
const MachineTable<Ladder>& table_of(Ladder);

extern const Transition<Ladder> kLadderTransitions[];
extern const std::size_t kLadderTransitionCount;

// The gateway's voice.rtc_config / voice.rtc_answer / voice.rtc_closed.
struct RtcConfigFrame {
  std::string call_id;
  std::string ice_servers_json;  // checked array (session_frames.cpp)
};
struct RtcAnswerFrame {
  std::string call_id;
  uint32_t pc_id = 0;
  std::string sdp;
};
struct RtcClosedFrame {
  std::string call_id;
  uint32_t pc_id = 0;
  std::string reason;
};

class VoiceLadder {
 public:
  explicit VoiceLadder(Client& c) : c_(c) {}

  // The call is up on live socket `conn_id` (its voice.started arrived);
  // `offered`: the gateway answers WebRTC and this browser has it.
  void on_call_live(const std::string& call_id, uint32_t conn_id, bool offered, int64_t now);
  // The call ended, or the session went down: Off, the peer connection closed.
  void on_call_down();
  // The voice chunk loaded (VoiceRuntimeLoaded). Until then the ladder stays
  // on the WebSocket: the browser's WebRTC link is in that chunk.
  void on_runtime_ready(int64_t now);

  void on_config(const RtcConfigFrame& f, int64_t now);
  void on_answer(const RtcAnswerFrame& f);
  void on_server_closed(const RtcClosedFrame& f, int64_t now);
  // From the host (shim/voice/rtc-link.js).
  void on_offer_ready(uint32_t pc_id, const std::string& sdp);
  void on_channel_open(uint32_t pc_id, const std::string& candidate_type, const std::string& relay_protocol,
                       int64_t now);
  void on_pong(const RtcPong& pong, int64_t now);
  void on_failed(uint32_t pc_id, const std::string& reason, int64_t now);
  void on_online(int64_t now);
  // TimerName::RtcDeadline or RtcPing fired.
  void on_timer(TimerName name, int64_t now);

  Ladder state() const { return state_; }
  // "webrtc_direct", "turn_udp" / "turn_tcp" / "turn_tls", "websocket", or "" (Off).
  std::string rung() const;
  uint32_t pc_id() const { return pc_id_; }
  uint32_t failures() const { return failures_; }
  // The encoder level last sent (encoder_policy.hpp; kCleanLevel at first).
  int encoder_level() const { return encoder_level_; }
  const voice::UplinkMeter& meter() const { return meter_; }
  // The level asked of the gateway's encoder for the agent's audio (kCleanLevel at first).
  int downlink_level() const { return downlink_level_; }

  static constexpr int64_t kSetupMs = 6'000;
  static constexpr int64_t kRestartMs = 5'000;
  static constexpr int64_t kPingMs = 1'000;
  static constexpr int64_t kLivenessMs = 3'500;
  static constexpr int64_t kRetryMs = 5'000;
  static constexpr int64_t kRetryMaxMs = 60'000;
  static constexpr int64_t kStableMs = 30'000;
  // A data channel holding more than this unsent is full: the host drops
  // a new frame rather than queue it (stale audio is worse than a gap).
  static constexpr uint32_t kMaxBufferedBytes = 2'048;

 private:
  friend struct TransitionProbe;
  bool go(Ladder to);
  void climb(int64_t now);                           // WebSocket -> ExpectConfig
  void restart(const std::string& why, int64_t now); // Direct / Relayed -> RestartConfig
  // A restart or a setup gone stale -> ExpectConfig: pc_id closed, a new one asked for.
  void renew(const std::string& why, int64_t now, bool tell_server);
  bool restarting() const { return state_ == Ladder::RestartConfig || state_ == Ladder::Restarting; }
  // Any try or channel -> WebSocket; `tell_server`: send voice.rtc_close
  // (not when the gateway closed it first).
  void fall(const std::string& why, int64_t now, bool tell_server);
  void close_pc(bool tell_server);
  void route();                                      // VoiceRoute for the state we are in
  void set_encoder(int level, const std::string& why);  // VoiceEncoderSet when `level` differs
  void set_downlink(int level, const std::string& why);  // the pings' dl= from now on
  bool ours(uint32_t pc_id) const { return pc_id != 0 && pc_id == pc_id_; }

  Client& c_;
  Ladder state_ = Ladder::Off;
  std::string call_id_;
  uint32_t conn_id_ = 0;
  bool offered_ = false;
  uint32_t next_pc_ = 0;
  uint32_t pc_id_ = 0;         // ExpectChannel, Direct, Relayed, RestartConfig, Restarting
  std::string relay_;          // Relayed: "udp" | "tcp" | "tls"
  int64_t channel_since_ = 0;  // Direct, Relayed
  bool ponged_ = false;        // Direct, Relayed: a pong came since the channel (re)opened
  uint32_t failures_ = 0;      // in a row; the climb's back-off
  voice::UplinkMeter meter_;   // the current channel's path; reset when one opens
  int encoder_level_ = voice::kCleanLevel;  // what the encoder was last told (kept across calls)
  voice::LossWindow downlink_loss_;         // the agent's frames on the current channel
  int downlink_level_ = voice::kCleanLevel;
};

}  // namespace natter
