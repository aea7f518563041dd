#include "people/conversation_control.hpp"
#include "boundary/json_limits.hpp"

#include <nlohmann/json.hpp>

#include "base/call_apart.hpp"
#include "client.hpp"

namespace natter {

const char* const kControlNames[] = {"Ai", "Waiting", "Person"};
// The server's table (tools/gateway/control/transitions.mjs), seen from the widget.
const Transition<Control> kControlTransitions[] = {
    {Control::Ai, Control::Waiting, NATTER_ON("a person was asked for")},
    {Control::Ai, Control::Person, NATTER_ON("staff take over")},
    {Control::Waiting, Control::Person, NATTER_ON("staff take over")},
    {Control::Waiting, Control::Ai, NATTER_ON("handed back")},
    {Control::Person, Control::Ai, NATTER_ON("handed back")},
};
const std::size_t kControlTransitionCount = sizeof(kControlTransitions) / sizeof(kControlTransitions[0]);
const MachineTable<Control> kControlMachine{"control", kControlNames, kControlTransitions};
const MachineTable<Control>& table_of(Control) { return kControlMachine; }

// The host page's `handoff` event says the place and the estimate too.
static void add_place(nlohmann::json& host, uint64_t position, uint64_t wait_s) {
  host["position"] = position;
  if (wait_s) host["wait_s"] = wait_s;
}

void ConversationControl::on_event(const ControlEvent& e, uint64_t seq) {
  if (seq <= known_through_) return;  // the welcome's state already says it (a replay after it)
  if (e.state == "unavailable") {
    c_.out_.emplace_back(NoticeShown{"handoff_unavailable",
                                  "Nobody from the shop is available right now. The assistant can keep helping.", ""});
    c_.out_.emplace_back(HostEvent{"handoff", json_object({{"state", "unavailable"}}).dump()});
    c_.presence_.on_unavailable();
    return;
  }
  Control to;
  if (e.state == "ai") to = Control::Ai;
  else if (e.state == "waiting") to = Control::Waiting;
  else if (e.state == "person") to = Control::Person;
  else return;  // session_frames.cpp admits no other state
  if (to == Control::Waiting && state_ == Control::Waiting) {
    // The queue moved (docs/protocol.md): a new place, not a transition.
    if (e.position == position_ || e.position == 0) return;
    const uint64_t said = wait_s_;
    position_ = e.position, wait_s_ = e.wait_s;
    show_place(said);
    nlohmann::json host = json_object({{"state", "waiting"}});
    add_place(host, position_, wait_s_);
    c_.out_.emplace_back(HostEvent{"handoff", host.dump()});
    return;
  }
  const Control from = state_;
  const std::string left = person_;
  if (!go(to, e)) return;
  nlohmann::json host = json_object({{"state", e.state}});
  if (to == Control::Waiting) {
    if (position_ > 0) {
      show_place(0);
      add_place(host, position_, wait_s_);
    } else {
      c_.out_.emplace_back(NoticeShown{"handoff_asked", "A person from the shop has been asked to join.", ""});
    }
  } else if (to == Control::Person) {
    host["name"] = person_;
    c_.out_.emplace_back(NoticeShown{"handoff_joined", person_ + " from the shop joined the chat.", person_});
  } else if (from == Control::Person && !left.empty()) {
    c_.out_.emplace_back(NoticeShown{"handoff_left", left + " left the chat. The assistant is back.", left});
  } else {
    c_.out_.emplace_back(NoticeShown{"handoff_back", "The assistant is back.", ""});
  }
  c_.out_.emplace_back(HostEvent{"handoff", host.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  c_.delivery_.on_control_changed(ai_answers());
  c_.presence_.on_control_changed();
}

// The place in the queue, and the estimated wait when the server has one
// and it changed since `previous_wait_s` (a queue that moves one place
// often keeps the same whole minutes: said once).
void ConversationControl::show_place(uint64_t previous_wait_s) {
  c_.out_.emplace_back(NoticeShown{"handoff_waiting", "You are number " + std::to_string(position_) +
                                                       " in the queue for a person from the shop.",
                                std::to_string(position_)});
  if (wait_s_ == 0 || wait_s_ == previous_wait_s) return;
  const uint64_t minutes = (wait_s_ + 59) / 60;
  c_.out_.emplace_back(NoticeShown{"handoff_wait", "Estimated wait: about " + std::to_string(minutes) +
                                                    (minutes == 1 ? " minute." : " minutes."),
                                std::to_string(minutes)});
}

// Moves to `to` with the data that state carries, or refuses: an illegal
// transition is logged and counted and changes nothing.
bool ConversationControl::go(Control to, const ControlEvent& e) {
  if (!machine_go(state_, to, c_)) return false;
  person_ = to == Control::Person ? (e.name.empty() ? std::string("Someone") : e.name) : std::string();
  position_ = to == Control::Waiting ? e.position : 0;
  wait_s_ = to == Control::Waiting ? e.wait_s : 0;
  request_pending_ = false;
  return true;
}

void ConversationControl::on_welcome(bool resumed, const std::optional<ControlEvent>& said, uint64_t event_seq) {
  if (!said) {
    if (!resumed) state_ = Control::Ai, person_.clear(), position_ = 0, wait_s_ = 0, known_through_ = 0;  // a fresh session starts with the AI
    return;
  }
  known_through_ = event_seq;
  // The server's word, not a transition: followed whatever we believed.
  const Control to = said->state == "person" ? Control::Person : said->state == "waiting" ? Control::Waiting : Control::Ai;
  if (to == Control::Person) person_ = !said->name.empty() ? said->name : !person_.empty() ? person_ : "Someone";
  else person_.clear();
  position_ = to == Control::Waiting ? said->position : 0;
  wait_s_ = to == Control::Waiting ? said->wait_s : 0;
  state_ = to;
  c_.presence_.on_control_changed();
}

void ConversationControl::request() {
  if (state_ != Control::Ai) {
    c_.out_.emplace_back(Log{"info", std::string("a person was already asked for (") + state_name(state_) + ")"});
    return;
  }
  c_.presence_.on_requested();
  if (c_.conn_.live()) return send_request();
  request_pending_ = true;  // sent once the session is live
  c_.conn_.want(c_.last_now_);
}

void ConversationControl::on_live() {
  if (request_pending_ && state_ == Control::Ai)  // asked while offline: no first chat's (call_apart.hpp)
    call_apart(+[](ConversationControl& control) { control.send_request(); }, *this);
}

void ConversationControl::send_request() {
  request_pending_ = false;
  c_.conn_.send(R"({"type":"handoff.request"})");
  c_.out_.emplace_back(Log{"info", "asked for a person from the shop"});
}

}  // namespace natter
