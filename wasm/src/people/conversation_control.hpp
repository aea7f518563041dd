// Who controls the conversation (docs/protocol.md, "Handoff to a person"):
// the shop's AI, nobody yet (a person was asked for), or a named person from
// the shop. The server decides and says so with `control` events in the
// session log; this machine follows them, tells the shopper, and carries the
// shopper's request for a person to the server.
//
// States carry only their own data:
//   Ai       the assistant answers (every session starts here)
//   Waiting  a person was asked for; `position` in the queue (0: not said)
//   Person   `person` (the staff member's display name) answers
//
// Rules:
//  - Only the transitions of kControlTransitions happen; any other `control`
//    event is refused (logged, counted in Stats::illegal_transitions) and
//    changes nothing, like the connection machine's.
//  - `unavailable` is an answer, not a state: nobody can come now; the
//    assistant keeps the conversation and the shopper is told.
//  - A takeover closes the AI's reply still streaming (what arrived stays).
//    A message kept for the person leaves the outbox with the server's
//    `held` event for it (session_delivery.cpp), never on a guess.
//  - A request made while the session is down is sent once it is live
//    again; a second request while one is pending or answered is ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "base/machine.hpp"

namespace natter {

class Client;

enum class Control : uint8_t { Ai, Waiting, Person };
// Its table (base/machine.hpp: is_legal, state_name, machine_go).
const MachineTable<Control>& table_of(Control);

extern const Transition<Control> kControlTransitions[];
extern const std::size_t kControlTransitionCount;

// A decoded `control` event (session_frames.cpp).
struct ControlEvent {
  std::string state;      // "ai" | "waiting" | "person" | "unavailable"
  uint64_t position = 0;  // waiting: the place in the queue (0: not said)
  uint64_t wait_s = 0;    // waiting: the estimated wait in seconds (0: none)
  std::string name;       // who took over or handed back ("" when not said)
};

class ConversationControl {
 public:
  explicit ConversationControl(Client& client) : c_(client) {}

  // One `control` event, in seq order.
  void on_event(const ControlEvent& e, uint64_t seq);
  // The shopper (a control of the panel, or natter('handoff')) asks for a person.
  void request();
  // The live session was welcomed: a request made meanwhile goes out now.
  void on_live();
  // A welcome: a fresh session starts with the AI; a server that says who
  // controls the conversation is followed silently (the shopper was told
  // when it changed; a reloaded page learns it here).
  // `event_seq`: the welcome's; the state it names already includes every
  // event up to it, so those (replayed after it) change nothing.
  void on_welcome(bool resumed, const std::optional<ControlEvent>& now_in_control, uint64_t event_seq);

  Control state() const { return state_; }
  bool ai_answers() const { return state_ == Control::Ai; }
  const std::string& person() const { return person_; }
  uint64_t position() const { return position_; }
  uint64_t wait_s() const { return wait_s_; }

 private:
  bool go(Control to, const ControlEvent& e);
  void show_place(uint64_t previous_wait_s);
  void send_request();

  Client& c_;
  Control state_ = Control::Ai;
  std::string person_;     // Person only
  uint64_t position_ = 0;  // Waiting only
  uint64_t wait_s_ = 0;    // Waiting only: the estimate last said
  bool request_pending_ = false;  // asked while the session was down
  uint64_t known_through_ = 0;    // control events up to this seq are in the state already (a welcome said)
};

}  // namespace natter
