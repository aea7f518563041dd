// Actions in the shop's page, exactly once (docs/protocol.md, "Actions in
// the page"; docs/commerce.md). The agent proposes one of the actions the
// page declared (chat/action_proposal.hpp); the shopper confirms it on a
// card (or the page declared it confirm:false); the core asks the gateway
// (POST /api/action) whether this page may run it, tells the shim to run
// the page's handler (RunAction) when the answer is "run", and reports the
// handler's result (POST /api/action/result). The gateway's ledger holds
// each action's one run; the core's part is never to ask twice for itself.
//
// One machine per proposed action (docs/action-states.md is generated from
// kActionTransitions):
//   Proposed   the card is drawn; Confirm or Not now.
//   Declined   Not now: nothing is ever sent.
//   Confirming POST /api/action on its way.
//   Waiting    the gateway said "running" (another page runs it), or the
//              post failed (network, 429, 5xx): ask again after back-off
//              (2 s, 4 s, ... up to 30 s; Retry-After is honoured).
//   Running    the page's handler runs (RunAction); ActionRan ends it, or
//              kHandlerTimeoutMs does (ok:false).
//   Reporting  POST /api/action/result on its way (or waiting to retry).
//   Done       it ran (here or elsewhere) and the result is shown.
//   Failed     the handler said ok:false, or the gateway refused for good.
// Rules:
// - A replayed proposal (same id: a retried, resumed or replayed reply)
//   draws nothing new. At most kMaxActions are remembered, oldest first out.
// - Only Proposed takes a confirm or a decline: a second tap while
//   confirming or running does nothing.
// - RunAction is emitted only on the gateway's "run" answer, once per answer.
// - An action confirmed and not yet reported is kept in the session blob
//   (to_json) and asked again after a reload (restore): the gateway's lease
//   passes a dead page's claim on, with retry:true.
// - A transition the table forbids is refused, reported and counted
//   (Client::refuse_transition).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "base/effects.hpp"
#include "base/events.hpp"
#include "base/machine.hpp"
#include "chat/action_proposal.hpp"

namespace natter {

class Client;

enum class ActionState : uint8_t { Proposed, Declined, Confirming, Waiting, Running, Reporting, Done, Failed };
// Its table (base/machine.hpp: is_legal, state_name, machine_go).
const MachineTable<ActionState>& table_of(ActionState);
extern const Transition<ActionState> kActionTransitions[];
extern const std::size_t kActionTransitionCount;

class ActionKeeper {
 public:
  static constexpr std::size_t kMaxActions = 16;
  static constexpr int64_t kHandlerTimeoutMs = 30000;
  static constexpr int64_t kFirstWaitMs = 2000, kMaxWaitMs = 30000;
  static constexpr uint32_t kMaxReportAttempts = 8;

  explicit ActionKeeper(Client& client) : c_(client) {}

  // The agent proposed `a` in its reply to `reply_to` (checked already).
  void proposed(const std::string& reply_to, const AgentAction& a, int64_t now);
  void confirmed(const ActionConfirmed& e, int64_t now);
  void declined(const ActionDeclined& e);
  void ran(const ActionRan& e, int64_t now);
  bool owns(uint32_t request_id) const;
  void on_responded(const HttpResponded& e);
  void on_body(const HttpBody& e);
  void on_ended(const HttpEnded& e, int64_t now);
  void on_failed(const HttpFailed& e, int64_t now);
  // Timer ActionRetry: every action whose wait is over.
  void on_timer(int64_t now);
  // The session blob's "actions": confirmed, not yet reported ("" when none),
  // as of the last change (kept as text: the blob is written on every send).
  const std::string& kept_json() const { return kept_json_; }
  // After a reload: each kept action asked again (Confirming), or its
  // result reported again. Returns how many entries were malformed.
  std::size_t restore(const std::string& json_text, int64_t now);
  // Test access.
  ActionState state_of(const std::string& id) const;
  std::size_t size() const { return actions_.size(); }

 private:
  friend struct TransitionProbe;
  struct Action {
    std::string id, name, args_json, reply_to;
    ActionState state = ActionState::Proposed;
    uint32_t request_id = 0;  // the post on its way, 0 when none
    int status = 0;           // its HTTP status, once answered
    std::string body;         // its body so far (bounded)
    uint32_t attempts = 0;    // posts that failed in a row
    int64_t due = -1;         // Waiting / a report's retry / Running's timeout
    int64_t fence = 0;        // the gateway's "run" answer
    bool retry = false;
    bool ok = false;  // the handler's result, once Running ended
    std::string message, data_json;
  };
  bool go(Action& a, ActionState to);
  Action* find(const std::string& id);
  Action* by_request(uint32_t request_id);
  void ask(Action& a, int64_t now);
  void report(Action& a, int64_t now);
  void wait(Action& a, int64_t now, int64_t retry_after_ms);
  void answered(Action& a, int64_t now);
  void finish(Action& a, bool ok, const std::string& message);
  void show(const Action& a, const char* state, const std::string& message = "");
  void post(Action& a, const std::string& url, const std::string& body);
  void settle_timer();
  // Refreshes kept_json_ and persists the session blob.
  void persist();
  std::string to_json() const;

  Client& c_;
  std::deque<Action> actions_;
  std::string kept_json_;
};

// http(s)://…/api/chat -> http(s)://…/api/action (and …/api/action/result).
std::string action_url_of(const std::string& chat_url);

}  // namespace natter
