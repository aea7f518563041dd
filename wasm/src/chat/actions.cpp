#include "chat/actions.hpp"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/text_limits.hpp"
#include "base/wire_codes.hpp"
#include "boundary/json_limits.hpp"
#include "chat/text_checks.hpp"
#include "client.hpp"

namespace natter {

using S = ActionState;
using nlohmann::json;

const char* const kActionNames[] = {"Proposed", "Declined", "Confirming", "Waiting",
                                    "Running", "Reporting", "Done", "Failed"};
const Transition<ActionState> kActionTransitions[] = {
    {S::Proposed, S::Confirming, NATTER_ON("Confirm tapped, or the page declared confirm:false")},
    {S::Proposed, S::Declined, NATTER_ON("Not now: nothing sent")},
    {S::Confirming, S::Running, NATTER_ON("outcome run: RunAction")},
    {S::Confirming, S::Waiting, NATTER_ON("outcome running / network / 429 / 5xx: back-off")},
    {S::Confirming, S::Done, NATTER_ON("outcome done, ok")},
    {S::Confirming, S::Failed, NATTER_ON("outcome done, not ok / refused (404, 409, 403, 400, 413)")},
    {S::Waiting, S::Confirming, NATTER_ON("ActionRetry: ask again")},
    {S::Running, S::Reporting, NATTER_ON("action_ran, or the handler's 30 s are over")},
    {S::Reporting, S::Reporting, NATTER_ON("network / 429 / 5xx: report again after back-off")},
    {S::Reporting, S::Confirming, NATTER_ON("409 not_holder: ask for the final result")},
    {S::Reporting, S::Done, NATTER_ON("recorded, ok")},
    {S::Reporting, S::Failed, NATTER_ON("recorded, not ok / refused")},
};
const std::size_t kActionTransitionCount = sizeof(kActionTransitions) / sizeof(kActionTransitions[0]);
const MachineTable<ActionState> kActionMachine{"action", kActionNames, kActionTransitions};
const MachineTable<ActionState>& table_of(ActionState) { return kActionMachine; }

namespace {

constexpr std::size_t kMaxBodyBytes = 8 * 1024, kMaxMessageUnits = 200, kMaxDataBytes = 2048;

// A result message as the card shows it: controls become spaces, trimmed,
// cut to kMaxMessageUnits UTF-16 units at a character boundary.
std::string clean_message(const std::string& s) { return clean_text(s, kMaxMessageUnits); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool kept(ActionState s) {  // confirmed and not yet reported: in the session blob
  return s == S::Confirming || s == S::Waiting || s == S::Running || s == S::Reporting;
}

}  // namespace

std::string action_url_of(const std::string& chat_url) {
  static const std::string kChat = "/chat";
  std::string base = chat_url.substr(0, chat_url.find_first_of("?#"));
  if (base.size() >= kChat.size() && base.compare(base.size() - kChat.size(), kChat.size(), kChat) == 0)
    return base.substr(0, base.size() - kChat.size()) + "/action";
  return "/api/action";
}

bool ActionKeeper::go(Action& a, ActionState to) { return machine_go(a.state, to, c_); }

ActionKeeper::Action* ActionKeeper::find(const std::string& id) {
  for (auto& a : actions_)
    if (a.id == id) return &a;
  return nullptr;
}

ActionKeeper::Action* ActionKeeper::by_request(uint32_t request_id) {
  if (request_id == 0) return nullptr;
  for (auto& a : actions_)
    if (a.request_id == request_id) return &a;
  return nullptr;
}

bool ActionKeeper::owns(uint32_t request_id) const {
  return request_id != 0 && std::any_of(actions_.begin(), actions_.end(),
                                        [&](const Action& a) { return a.request_id == request_id; });
}

ActionState ActionKeeper::state_of(const std::string& id) const {
  for (const auto& a : actions_)
    if (a.id == id) return a.state;
  return S::Proposed;
}

void ActionKeeper::show(const Action& a, const char* state, const std::string& message) {
  c_.out_.emplace_back(ActionChanged{a.id, state, message});
}

void ActionKeeper::proposed(const std::string& reply_to, const AgentAction& p, int64_t now) {
  if (find(p.id)) return;  // a replayed reply: drawn already
  // The oldest settled action makes room; one still kept is never forgotten.
  if (actions_.size() >= kMaxActions) {
    auto old = std::find_if(actions_.begin(), actions_.end(), [](const Action& a) { return !kept(a.state); });
    if (old == actions_.end()) {
      c_.out_.emplace_back(Log{"warn", "dropped an agent action: " + std::to_string(kMaxActions) + " still running"});
      return;
    }
    actions_.erase(old);
  }
  Action a;
  a.id = p.id, a.name = p.name, a.args_json = p.args_json, a.reply_to = reply_to;
  actions_.push_back(std::move(a));
  Action& added = actions_.back();
  const ActionSummary& s = p.summary;
  c_.out_.emplace_back(ActionProposed{reply_to, p.id, p.name, p.confirm, s.title, s.variant, s.quantity, s.price,
                                      s.currency, s.image_url});
  if (!p.confirm) ask(added, now);  // no card tap, still exactly once through the gateway
}

void ActionKeeper::confirmed(const ActionConfirmed& e, int64_t now) {
  Action* a = find(e.action_id);
  if (!a || a->state != S::Proposed) return;  // a double tap, or not a card of ours: nothing
  ask(*a, now);
}

void ActionKeeper::declined(const ActionDeclined& e) {
  Action* a = find(e.action_id);
  if (!a || a->state != S::Proposed || !go(*a, S::Declined)) return;
  show(*a, "declined");
}

void ActionKeeper::post(Action& a, const std::string& url, const std::string& body) {
  a.request_id = c_.ids_.request_id();
  a.status = 0;
  a.body.clear();
  HttpRequest request{a.request_id, "POST", url, {{"Content-Type", "application/json"}}, body};
  if (c_.token_.enabled()) request.headers.emplace_back("Authorization", "Bearer " + c_.token_.token());
  c_.out_.emplace_back(std::move(request));
}

void ActionKeeper::ask(Action& a, int64_t) {
  if (!go(a, S::Confirming)) return;
  a.due = -1;
  json body = json_object({{"conversation_id", c_.config_.conversation_id}, {"action_id", a.id}, {"name", a.name},
                           {"args", parse_json(a.args_json)}});
  if (!c_.config_.conversation_key.empty()) body["conversation_key"] = c_.config_.conversation_key;
  show(a, "confirming");
  post(a, action_url_of(c_.config_.chat_url), dump(body));
  settle_timer();
  persist();
}

void ActionKeeper::report(Action& a, int64_t) {
  a.due = -1;
  json result = json_object({{"ok", a.ok}});
  if (!a.message.empty()) result["message"] = a.message;
  if (!a.data_json.empty()) result["data"] = parse_json(a.data_json);
  json body = json_object({{"conversation_id", c_.config_.conversation_id}, {"action_id", a.id}, {"fence", a.fence},
                           {"result", std::move(result)}});
  if (!c_.config_.conversation_key.empty()) body["conversation_key"] = c_.config_.conversation_key;
  post(a, action_url_of(c_.config_.chat_url) + "/result", dump(body));
  settle_timer();
}

void ActionKeeper::ran(const ActionRan& e, int64_t now) {
  Action* a = find(e.action_id);
  if (!a || a->state != S::Running) return;  // late, repeated, or not ours: the first result counts
  a->ok = e.ok;
  a->message = clean_message(e.message);
  a->data_json.clear();
  if (!e.data_json.empty()) {
    JsonResult data = parse_json_limited(e.data_json);
    if (data.ok() && data.value.is_object() && e.data_json.size() <= kMaxDataBytes) a->data_json = dump(data.value);
    else c_.out_.emplace_back(Log{"warn", "action " + a->name + ": result data dropped (not an object of at most 2 KiB)"});
  }
  if (!go(*a, S::Reporting)) return;
  a->attempts = 0;
  show(*a, "running");  // the result is shown once the gateway has it
  report(*a, now);
  persist();
}

void ActionKeeper::wait(Action& a, int64_t now, int64_t retry_after_ms) {
  a.request_id = 0;
  ++a.attempts;
  // 2 s, 4 s, 8 s ... up to 30 s: another tab's handler takes a while.
  const uint32_t shift = std::min<uint32_t>(a.attempts - 1, 4);
  const int64_t delay = std::max<int64_t>(std::min<int64_t>(kFirstWaitMs << shift, kMaxWaitMs),
                                          std::min<int64_t>(retry_after_ms, 60000));
  a.due = now + delay;
  settle_timer();
}

void ActionKeeper::finish(Action& a, bool ok, const std::string& message) {
  a.request_id = 0;
  a.due = -1;
  if (!go(a, ok ? S::Done : S::Failed)) return;
  show(a, ok ? "done" : "failed", message);
  settle_timer();
  persist();
}

void ActionKeeper::on_responded(const HttpResponded& e) {
  if (Action* a = by_request(e.request_id)) a->status = e.status;
}

void ActionKeeper::on_body(const HttpBody& e) {
  Action* a = by_request(e.request_id);
  if (a && a->body.size() + e.chunk.size() <= kMaxBodyBytes) a->body += e.chunk;
}

void ActionKeeper::on_failed(const HttpFailed& e, int64_t now) {
  Action* a = by_request(e.request_id);
  if (!a) return;
  if (a->state == S::Confirming) {
    if (go(*a, S::Waiting)) wait(*a, now, -1);
  } else if (a->state == S::Reporting) {
    if (a->attempts + 1 >= kMaxReportAttempts) return finish(*a, a->ok, a->message);  // shown; the ledger's lease decides
    wait(*a, now, -1);
  }
}

void ActionKeeper::on_ended(const HttpEnded& e, int64_t now) {
  if (Action* a = by_request(e.request_id)) answered(*a, now);
}

void ActionKeeper::answered(Action& a, int64_t now) {
  const int status = a.status;
  JsonResult parsed = parse_json_limited(a.body);
  const json empty = json::object();
  const json& body = parsed.ok() && parsed.value.is_object() ? parsed.value : empty;
  const auto outcome_it = body.find("outcome");
  const std::string outcome = outcome_it != body.end() && outcome_it->is_string() ? outcome_it->get<std::string>() : "";
  a.request_id = 0;
  const bool transient = status == 0 || status == wire::kHttpTooManyRequests || status >= wire::kHttpFirstServerError;
  if (a.state == S::Confirming) {
    if (status == 200 && outcome == "run") {
      const auto fence = body.find("fence");
      const auto retry = body.find("retry");
      if (fence == body.end() || !fence->is_number_integer()) {
        c_.out_.emplace_back(Log{"warn", "action " + a.name + ": the gateway's run answer has no fence"});
        if (go(a, S::Waiting)) wait(a, now, -1);
        return;
      }
      a.fence = fence->get<int64_t>();
      a.retry = retry != body.end() && retry->is_boolean() && retry->get<bool>();
      if (!go(a, S::Running)) return;
      a.attempts = 0;
      a.due = now + kHandlerTimeoutMs;
      show(a, "running");
      c_.out_.emplace_back(RunAction{a.id, a.name, a.args_json, a.retry});
      settle_timer();
      persist();
      return;
    }
    if (status == 200 && outcome == "done") {
      const auto result = body.find("result");
      bool ok = false;
      std::string message;
      if (result != body.end() && result->is_object()) {
        const auto o = result->find("ok");
        const auto m = result->find("message");
        ok = o != result->end() && o->is_boolean() && o->get<bool>();
        if (m != result->end() && m->is_string()) message = clean_message(m->get<std::string>());
      }
      return finish(a, ok, message);
    }
    if ((status == 200 && outcome == "running") || transient || (status == 200 && outcome.empty())) {
      if (go(a, S::Waiting)) wait(a, now, status == wire::kHttpTooManyRequests ? 0 : -1);
      return;
    }
    c_.out_.emplace_back(Log{"warn", "action " + a.name + " refused: HTTP " + std::to_string(status)});
    return finish(a, false, "");
  }
  if (a.state == S::Reporting) {
    if (status >= 200 && status < 300) return finish(a, a.ok, a.message);
    if (status == wire::kHttpConflict) {  // not_holder: another page took over: learn the final result
      a.attempts = 0;
      ask(a, now);
      return;
    }
    if (transient && a.attempts + 1 < kMaxReportAttempts) {
      wait(a, now, -1);
      return;
    }
    c_.out_.emplace_back(Log{"warn", "action " + a.name + ": result not recorded: HTTP " + std::to_string(status)});
    finish(a, a.ok, a.message);
  }
}

void ActionKeeper::on_timer(int64_t now) {
  for (auto& a : actions_) {
    if (a.due < 0 || a.due > now) continue;
    a.due = -1;
    if (a.state == S::Waiting) ask(a, now);
    else if (a.state == S::Reporting && a.request_id == 0) report(a, now);
    else if (a.state == S::Running) {  // the handler never answered
      c_.out_.emplace_back(Log{"warn", "action " + a.name + ": the page's handler did not answer in 30 s"});
      ran(ActionRan{a.id, false, "", ""}, now);
    }
  }
  settle_timer();
}

void ActionKeeper::settle_timer() {
  int64_t at = -1;
  for (const auto& a : actions_)
    if (a.due >= 0 && (at < 0 || a.due < at)) at = a.due;
  if (at >= 0) c_.timers_.set(TimerName::ActionRetry, at);
  else c_.timers_.cancel(TimerName::ActionRetry);
}

void ActionKeeper::persist() {
  kept_json_ = to_json();
  c_.persist_session();
}

std::string ActionKeeper::to_json() const {
  json out = json::array();
  for (const auto& a : actions_) {
    if (!kept(a.state)) continue;
    json entry = json_object({{"id", a.id}, {"name", a.name}, {"args", parse_json(a.args_json)}});
    if (a.state == S::Reporting) {  // the handler ran: its result is reported again, never run again
      json result = json_object({{"ok", a.ok}});
      if (!a.message.empty()) result["message"] = a.message;
      if (!a.data_json.empty()) result["data"] = parse_json(a.data_json);
      entry["fence"] = a.fence;
      entry["result"] = std::move(result);
    }
    out.push_back(std::move(entry));
  }
  return out.empty() ? std::string() : dump(out);
}

std::size_t ActionKeeper::restore(const std::string& json_text, int64_t now) {
  JsonResult parsed = parse_json_limited(json_text);
  if (!parsed.ok() || !parsed.value.is_array()) return 1;
  std::size_t bad = 0;
  for (const json& entry : parsed.value) {
    const json empty;
    const json& id = entry.is_object() && entry.contains("id") ? entry["id"] : empty;
    const json& name = entry.is_object() && entry.contains("name") ? entry["name"] : empty;
    const json& args = entry.is_object() && entry.contains("args") ? entry["args"] : empty;
    if (!id.is_string() || !name.is_string() || !args.is_object() || !is_action_id(id.get<std::string>()) ||
        !is_action_name(name.get<std::string>()) || find(id.get<std::string>()) || actions_.size() >= kMaxActions) {
      ++bad;
      continue;
    }
    Action a;
    a.id = id.get<std::string>(), a.name = name.get<std::string>(), a.args_json = dump(args);
    const auto result = entry.find("result");
    const auto fence = entry.find("fence");
    if (result != entry.end() && result->is_object() && fence != entry.end() && fence->is_number_integer()) {
      // Restored as it was saved: the handler ran, only its report is owed.
      a.state = S::Reporting;
      a.fence = fence->get<int64_t>();
      const auto ok = result->find("ok");
      const auto message = result->find("message");
      const auto data = result->find("data");
      a.ok = ok != result->end() && ok->is_boolean() && ok->get<bool>();
      if (message != result->end() && message->is_string()) a.message = clean_message(message->get<std::string>());
      if (data != result->end() && data->is_object()) a.data_json = dump(*data);
      actions_.push_back(std::move(a));
      report(actions_.back(), now);
    } else {
      // Confirmed earlier, result unknown (the page may have died mid-run):
      // asked again; the gateway answers done, running, or run with retry:true.
      a.state = S::Waiting;
      actions_.push_back(std::move(a));
      ask(actions_.back(), now);
    }
  }
  return bad;
}

}  // namespace natter
