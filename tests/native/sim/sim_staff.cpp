// A person from the shop in a SimWorld (staff worlds: WorldKind::staff).
// Between the schedule's faults the shopper asks for a person, staff take
// the conversation over, answer (sometimes the same staff message twice: a
// retried POST), go offline and hand back, while the shopper keeps sending.
// The server model (sim_server.hpp) holds what the shopper sends while the
// AI does not control the conversation: acked, never run.
//
// The invariants, besides every other one (converged() exempts held
// messages from "reached the agent" and checks staff replies' text):
//   H1 a staff reply shows its author, an agent reply none.
//   H2 each staff reply the session logged was shown finished, is in the
//      shopper's (bounded) transcript at most once, with the text staff
//      sent (converged(), and here).
//   H3 once faults stop, the widget agrees with the server on who controls
//      the conversation.
#include <algorithm>

#include "sim_world.hpp"

namespace natter::sim {

namespace {

const char* control_string(Control c) {
  switch (c) {
    case Control::Ai: return "ai";
    case Control::Waiting: return "waiting";
    case Control::Person: return "person";
  }
  return "?";
}

}  // namespace

void SimWorld::staff_step() {
  const std::string before = server_.control(session_id());
  switch (spick(10)) {
    case 0: case 1:
      feed(HandoffRequested{});
      break;
    case 2:
      server_.take(session_id(), "Ana");
      break;
    case 3: case 4: {
      const std::string id = "m" + std::to_string(++staff_messages_);
      const std::string text = "Staff answer " + std::to_string(staff_messages_);
      const size_t logged = server_.staff_replies(session_id()).size();
      server_.staff_reply(session_id(), id, text);
      if (spick(3) == 0) server_.staff_reply(session_id(), id, text);  // a retried POST: applied once
      staff_figures_.staff_replies += static_cast<int>(server_.staff_replies(session_id()).size() - logged);
      break;
    }
    case 5:
      server_.hand_back(session_id());
      break;
    case 6:
      server_.staff_online = !server_.staff_online;
      break;
    default:
      break;
  }
  const std::string after = server_.control(session_id());
  if (after == "person" && before != "person") ++staff_figures_.takeovers;
  if (after == "ai" && before != "ai") ++staff_figures_.hand_backs;
}

void SimWorld::watch_staff_effect(const Effect& effect) {
  if (auto* r = std::get_if<AgentReplyUpdated>(&effect)) {
    const bool staff = r->reply_to.rfind("staff-", 0) == 0;
    check(staff ? r->author == "Ana" : r->author.empty(), "H1",
          "the reply to " + r->reply_to + " shows author '" + r->author + "'");
  }
}

SimWorld::StaffFigures SimWorld::staff_figures() const {
  StaffFigures f = staff_figures_;
  f.held = static_cast<int>(server_.held.size());
  return f;
}

bool SimWorld::staff_converged() {
  if (!kind_.staff) return failure_.empty();
  const std::string server = server_.control(session_id());
  const std::string mine = control_string(client_->control().state());
  check(mine == server, "H3", "the widget believes '" + mine + "' controls the conversation, the server '" + server + "'");
  const auto& entries = client_->delivery().transcript().entries();
  for (const auto& id : server_.staff_replies(session_id())) {
    check(done_ever_.count(id) == 1, "H2", "the staff reply " + id + " was never shown finished");
    // The transcript is bounded (oldest entries go first): at most once.
    const auto n = std::count_if(entries.begin(), entries.end(), [&](const auto& e) { return e.id == id; });
    check(n <= 1, "H2", "the staff reply " + id + " is in the transcript " + std::to_string(n) + " times");
  }
  return failure_.empty();
}

}  // namespace natter::sim
