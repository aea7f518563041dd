#include "people/presence.hpp"
#include "boundary/json_limits.hpp"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/call_apart.hpp"
#include "client.hpp"
#include "people/visitor.hpp"

namespace natter {

void Presence::update_offer() {
  const bool shown = !c_.config_.session_url.empty() && c_.session_started_ && c_.control_.ai_answers() &&
                     !asked_ && !form_open_;
  if (shown == offer_shown_) return;
  offer_shown_ = shown;
  c_.out_.emplace_back(HandoffOffer{shown});
}

void Presence::on_requested() {
  asked_ = true;
  update_offer();
}

void Presence::on_unavailable() {
  asked_ = false;
  if (!form_open_ && pending_id_.empty()) {
    form_open_ = true;
    c_.out_.emplace_back(HandoffEmailForm{"shown", "", "", ""});
  }
  update_offer();
}

void Presence::on_control_changed() {
  asked_ = false;
  if (c_.control_.state() != Control::Person) stop_typing();
  update_offer();
}

void Presence::submit_email(const std::string& email) {
  if (!form_open_ || !pending_id_.empty()) {  // no form, or one already on its way: sent once
    c_.out_.emplace_back(Log{"info", "email form: nothing to send"});
    return;
  }
  auto checked = check_visitor(json_object({{"email", email}}));
  const auto* visitor = std::get_if<CheckedVisitor>(&checked);
  if (!visitor || !*visitor || (*visitor)->email.empty()) {
    c_.out_.emplace_back(HandoffEmailForm{"invalid", email, "bad_email", "Enter an email address such as name@example.com."});
    return;
  }
  pending_id_ = c_.ids_.uuid();
  pending_email_ = (*visitor)->email;
  c_.out_.emplace_back(HandoffEmailForm{"sending", pending_email_, "", ""});
  if (c_.conn_.live()) send_email();
  else c_.conn_.want(c_.last_now_);
}

void Presence::send_email() {
  c_.conn_.send(encode_handoff_email(pending_id_, pending_email_));
  c_.out_.emplace_back(Log{"info", "sent the shopper's email for the shop"});
}

void Presence::on_live() {
  if (c_.control_.state() != Control::Person) stop_typing();  // a fresh session starts with the AI
  if (!pending_id_.empty()) call_apart(+[](Presence& p) { p.send_email(); }, *this);  // typed while offline
  update_offer();
}

void Presence::on_email_saved(const EmailSaved& s) {
  if (s.email_id.empty() || s.email_id != pending_id_) return;  // a duplicate answer, or not ours
  form_open_ = false;
  pending_id_.clear();
  c_.out_.emplace_back(HandoffEmailForm{"saved", pending_email_, "", ""});
  c_.out_.emplace_back(HostEvent{"handoff", R"({"state":"email_saved"})"});
  pending_email_.clear();
  update_offer();
}

void Presence::on_typing(const StaffTyping& t, int64_t now) {
  if (c_.control_.state() != Control::Person || t.seq < staff_seq_) return;  // nobody's turn, or stale
  c_.timers_.set(TimerName::StaffTyping, now + kTypingExpiryMs);
  if (typing_name_ == t.name) return;
  typing_name_ = t.name;
  c_.out_.emplace_back(TypingChanged{true, typing_name_});
}

void Presence::on_typing_timer() { stop_typing(); }

void Presence::on_staff_message(uint64_t seq) {
  staff_seq_ = std::max(staff_seq_, seq);
  stop_typing();
}

void Presence::stop_typing() {
  c_.timers_.cancel(TimerName::StaffTyping);
  if (typing_name_.empty()) return;
  typing_name_.clear();
  c_.out_.emplace_back(TypingChanged{false, ""});
}

void Presence::on_read(const ReadMark& r) {
  // Shopper messages in shown order: mark those after the last read one, up to `through`.
  std::vector<const std::string*> ids;
  for (const auto& e : c_.delivery_.transcript().entries())
    if (e.from_user && !e.voice) ids.push_back(&e.id);
  std::size_t through = ids.size(), done = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (*ids[i] == r.through) through = i;
    if (*ids[i] == read_through_) done = i + 1;
  }
  if (through == ids.size()) {
    c_.out_.emplace_back(Log{"debug", "read mark for a message this page does not show"});
    return;
  }
  for (std::size_t i = done; i <= through; ++i)
    c_.out_.emplace_back(DeliveryChanged{*ids[i], "sent", "", false, "", "", "read", r.by});
  if (through + 1 > done) read_through_ = r.through;
}

}  // namespace natter
