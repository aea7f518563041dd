// Voice calls in a SimWorld (voice worlds: WorldKind::voice). The shopper
// starts calls, speaks and sometimes ends them while every fault of the
// schedule goes on; the simulated host answers the core's voice effects as
// shim/voice does (the microphone prompt, playback running dry). Audio is
// not modelled: only what the core decides about it.
//
// The invariants, each checked where it can first fail:
//   V1 a call ends only when the shopper or the host ends it, or when its
//      first microphone request is refused: never by a drop, a restart, a
//      replaced socket or an outage.
//   V2 the greeting is asked for only until the call has heard it: after a
//      reconnect the core reopens the call with greeting: false.
//   V3 one microphone prompt per call: a reconnect never asks again.
//   V4 the uplink is open only on the live socket, once the server said
//      voice.started there for this call (else its audio is refused).
//   V5 once faults stop, a call the shopper still wants is back: listening
//      (or the agent or shopper speaking), its uplink open on the live
//      socket, and the server's call audio on that same connection.
// Where the call's frames go (WebSocket or a WebRTC channel) is the voice
// ladder's: the frames and the rung changes are modelled in sim_ladder.cpp
// and held to R1..R7 there (a rung change never ends the call, nor asks for
// the microphone or greeting again; no frame reaches the agent twice; ...).
// Text during a call is held to every other invariant (S8: a voice fault
// never blocks text sends; converged() requires every message answered).
#include <nlohmann/json.hpp>

#include "sim_world.hpp"

namespace natter::sim {

void SimWorld::start_call() {
  if (call_.state == "off" || call_.state == "ending") {  // a new call (Start twice is the same call)
    call_ = CallSeen{};
    call_.wanted = true;
    ++voice_figures_.calls;
  }
  feed(VoiceStartClicked{});
}

void SimWorld::voice_step() {
  switch (vpick(8)) {
    case 0: case 1:
      start_call();
      break;
    case 2:
      if (call_.wanted && vpick(3) == 0) {
        call_.wanted = false;
        call_.ended_by_shopper = true;
        feed(VoiceEndClicked{});
      }
      break;
    case 3:  // the shopper says something (a barge-in if the agent is speaking)
      if (call_.state == "off") break;
      feed(SpeechActivity{true});
      at(now_ + 200 + vpick(3000), [this] { feed(SpeechActivity{false}); });
      break;
    default:
      break;
  }
}

// What the host does for the core's voice effects, and what they must obey.
void SimWorld::carry_out_voice(const Effect& effect) {
  if (std::holds_alternative<VoiceRuntimeLoad>(effect)) {
    // The runtime chunk downloads while the schedule goes on (a failed
    // download is voice_runtime_test.cpp's story).
    at(now_ + 50 + vpick(1500), [this] { feed(VoiceRuntimeLoaded{}); });
  } else if (std::holds_alternative<MicrophoneRequested>(effect)) {
    ++call_.mic_requests;
    check(call_.mic_requests <= 1, "V3", "the microphone was asked for " + std::to_string(call_.mic_requests) + " times in one call");
    const bool deny = call_.mic_requests == 1 && vpick(10) == 0;
    at(now_ + 50 + vpick(2500), [this, deny] {
      if (deny) call_.mic_denied = true, ++voice_figures_.mic_denied;
      feed(MicAnswered{deny ? "denied" : "granted"});
    });
  } else if (auto* u = std::get_if<VoiceUplink>(&effect)) {
    call_.uplink_open = u->open;
    call_.uplink_conn = u->conn_id;
    if (u->open)
      check(u->conn_id == client_->connection().conn_id() && client_->connection().live() && u->conn_id == call_.started_on, "V4",
            "the uplink opened on socket " + std::to_string(u->conn_id) + " while the live one is " +
                std::to_string(client_->connection().live() ? client_->connection().conn_id() : 0) +
                " and the call's voice.started came on " + std::to_string(call_.started_on));
  } else if (auto* v = std::get_if<VoiceStateChanged>(&effect)) {
    if (v->state == "off" && call_.state != "off")
      check(call_.ended_by_shopper || call_.mic_denied, "V1", "the call ended (from " + call_.state + ") without the shopper ending it");
    call_.state = v->state;
  } else if (auto* s = std::get_if<WsSend>(&effect); s && s->text.find("\"voice.start\"") != std::string::npos) {
    const auto j = nlohmann::json::parse(s->text, nullptr, false);
    call_.call_id = j.value("call_id", "");
    call_.opened_on.insert(s->conn_id);
    if (call_.opened_on.size() == 2) ++voice_figures_.carried_across_reconnects;
    if (j.value("greeting", false))
      check(!call_.greeting_heard, "V2", "asked for the greeting again after hearing it (call " + call_.call_id + ")");
  }
}

// A server frame on the core's current socket, before the core sees it.
void SimWorld::watch_voice_frame(uint32_t conn, const std::string& frame) {
  if (frame.find("\"voice.") == std::string::npos) return;
  const auto j = nlohmann::json::parse(frame, nullptr, false);
  if (!j.is_object() || j.value("call_id", "") != call_.call_id) return;
  const std::string type = j.value("type", "");
  if (type == "voice.started") call_.started_on = conn, call_.rtc_offered = j.value("rtc", false), call_.live_at = now_;
  if (type == "voice.closed") call_.started_on = 0;
  if (type != "voice.agent") return;
  if (j.value("state", "") == "start" && j.value("utterance", 0) == 1) call_.greeting_heard = true;
  // Everything of the utterance has arrived: the host plays it out and says so.
  if (j.value("state", "") == "end" && j.value("reason", "") == "done")
    at(now_ + vpick(1500), [this] { feed(PlaybackDrained{}); });
}

bool SimWorld::voice_converged() {
  if (!call_.wanted || call_.mic_denied) return failure_.empty();
  ++voice_figures_.up_at_the_end;
  const bool in_call = call_.state == "listening" || call_.state == "agent_speaking" || call_.state == "user_speaking";
  check(in_call, "V5", "the call did not come back once faults stopped (state " + call_.state + ")");
  const uint32_t live = client_->connection().conn_id();
  check(call_.uplink_open && call_.uplink_conn == live, "V5",
        "the uplink is not open on the live socket once faults stopped (open " + std::to_string(call_.uplink_open) +
            ", on socket " + std::to_string(call_.uplink_conn) + ", live " + std::to_string(live) + ")");
  check(server_.voice_conn(session_id()) == live, "V5", "the server's call audio is not on the client's connection");
  return failure_.empty();
}

}  // namespace natter::sim
