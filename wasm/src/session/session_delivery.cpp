#include "session/session_delivery.hpp"

#include "base/call_apart.hpp"
#include "boundary/json_limits.hpp"

#include <nlohmann/json.hpp>

#include "client.hpp"
#include "chat/rich_text.hpp"

namespace natter {
namespace {

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

constexpr const char* kQueuedDetail = "Will send when you're back online.";

}  // namespace

void SessionDelivery::restore(const std::string& resume_token, uint64_t last_event_seq, const std::string& outbox_json,
                              const std::string& transcript_json) {
  resume_token_ = resume_token;
  last_event_seq_ = settled_event_seq_ = last_event_seq;
  had_session_ = !resume_token.empty();
  if (!outbox_json.empty()) outbox_.restore(outbox_json);
  if (!transcript_json.empty() && transcript_.restore(transcript_json) > 0)
    c_.out_.emplace_back(Log{"warn", "dropped malformed entries of the restored transcript"});
}

void SessionDelivery::adopt_continued(const std::string& resume_token, uint64_t last_event_seq,
                                      const std::string& transcript_json) {
  resume_token_ = resume_token;
  last_event_seq_ = settled_event_seq_ = last_event_seq;
  early_.clear();
  reply_open_ = false;
  open_reply_.clear();
  had_session_ = true;
  transcript_ = Transcript{};
  if (transcript_.restore(transcript_json) > 0)
    c_.out_.emplace_back(Log{"warn", "dropped malformed entries of the continued transcript"});
  persist();
}

// The conversation so far (the shop's previous page), then what is still
// unsent. A message still in the outbox is shown once, as queued.
void SessionDelivery::show_transcript() {
  for (const auto& e : transcript_.entries()) {
    if (e.voice) {
      c_.out_.emplace_back(VoiceTranscriptShown{e.id, e.from_user ? "shopper" : "agent", e.text, true, e.cut});
      for (const auto& card : e.cards) c_.out_.emplace_back(card);
    } else if (e.from_user) {
      if (outbox_.contains(e.id)) continue;
      c_.out_.emplace_back(UserMessageShown{e.id, e.text});
      // "delivered" is the live session's receipt (the server acked it); HTTP has none.
      c_.out_.emplace_back(DeliveryChanged{e.id, "sent", "", false, "", "", c_.config_.session_url.empty() ? "" : "delivered"});
    } else {
      c_.out_.emplace_back(AgentReplyUpdated{e.id, parse_rich_text(e.text), true, e.author});
      for (const auto& card : e.cards) c_.out_.emplace_back(card);
    }
  }
}

void SessionDelivery::start(int64_t now) {
  show_transcript();
  if (outbox_.empty()) return;
  for (const auto& e : outbox_.entries()) {
    c_.out_.emplace_back(UserMessageShown{e.message_id, e.text});
    c_.out_.emplace_back(DeliveryChanged{e.message_id, "queued", kQueuedDetail, false});
  }
  c_.out_.emplace_back(Log{"info", "restored " + std::to_string(outbox_.size()) + " unsent message(s)"});
  c_.conn_.want(now);
}

bool SessionDelivery::submit(const std::string& id, const std::string& text, int64_t now) {
  const std::string& context = c_.page_context_.json_text();
  if (!outbox_.has_room_for(text.size() + context.size())) return false;
  outbox_.push(id, text, context);
  transcript_.add_user(id, text);
  if (!(c_.config_.canaries & kCanarySkipPersistOnSend)) persist();
  c_.conversation_touched(text);
  if (c_.conn_.live()) {
    outbox_.entries().back().sent_on_current_connection = true;
    c_.conn_.send(encode_msg(id, text, context));
    c_.out_.emplace_back(DeliveryChanged{id, "sending", "", false});
  } else {
    c_.out_.emplace_back(DeliveryChanged{id, "queued", kQueuedDetail, false});
    c_.conn_.want(now);
  }
  return true;
}

bool SessionDelivery::awaiting_ack() const {
  if (!c_.conn_.live() || outbox_.empty()) return false;
  const OutboxEntry& last = outbox_.entries().back();
  return last.sent_on_current_connection && !last.acked;
}

void SessionDelivery::flush_outbox() {
  for (auto& e : outbox_.entries()) {
    if (e.sent_on_current_connection || e.acked) continue;
    e.sent_on_current_connection = true;
    if (c_.config_.canaries & kCanaryNewIdOnRetry) e.message_id = c_.ids_.uuid();
    c_.conn_.send(encode_msg(e.message_id, e.text, e.context_json));
    c_.out_.emplace_back(DeliveryChanged{e.message_id, "sending", "", false});
  }
}

void SessionDelivery::on_live(const Welcome& w) {
  if (!w.resumed) {
    if (had_session_)  // not on a first chat's first welcome (call_apart.hpp)
      call_apart(+[](Client& c) {
        ++c.stats_.fresh_starts;
        c.out_.emplace_back(NoticeShown{"fresh_session", "The chat had to start a new session. Anything not yet delivered is being sent now."});
        c.out_.emplace_back(HostEvent{"session", dump(json_object({{"resumed", false}}))});
      }, c_);
    last_event_seq_ = settled_event_seq_ = 0;  // the new session numbers its events from the start
    reply_open_ = false;
    open_reply_.clear();
    early_.clear();
  }
  had_session_ = true;
  resume_token_ = w.resume_token;
  c_.control_.on_welcome(w.resumed, w.control, w.event_seq);
  // A fresh session lost the replies still streaming: ask for them again
  // (same ids: a durable store replays them, a store that forgot them after
  // a restart runs them again). Either way each comes again from its start,
  // so what arrived of it before is dropped, not appended to.
  if (!w.resumed)
    for (auto& e : outbox_.entries()) {
      e.acked = false;
      c_.replies_.restart(e.message_id);
    }
  for (const auto& id : w.acked) delivered(id);
  if (!(c_.config_.canaries & kCanaryFlushBeforeWelcome)) flush_outbox();
  persist();
}

void SessionDelivery::delivered(const std::string& id) {
  OutboxEntry* e = outbox_.find(id);
  if (!e || e->acked) return;  // unknown, or a duplicate ack
  e->acked = true;
  c_.out_.emplace_back(DeliveryChanged{id, "sent", "", false, "", "", "delivered"});
}

void SessionDelivery::on_ack(const Ack& a) {
  delivered(a.message_id);
  persist();
}

void SessionDelivery::on_control_changed(bool ai_answers) {
  if (ai_answers) return;
  if (!open_reply_.empty()) {  // cut by the takeover: what arrived of it stays, as finished
    const std::string cut = open_reply_;
    if (c_.replies_.apply(cut, AgentDone{})) finish_reply(cut);
  }
  reply_open_ = false;
  open_reply_.clear();
  persist();
}

void SessionDelivery::on_event(const ServerEvent& e, int64_t now) {
  if (e.seq <= last_event_seq_) return;  // already applied: a replay after resume
  // A gap, and the events that waited for it to fill, are no first chat's:
  // handled apart (call_apart.hpp).
  if (e.seq > last_event_seq_ + 1)  // ahead of a gap: wait for it to fill
    return call_apart(+[](SessionDelivery& d, const ServerEvent& e, int64_t now) {
      if (d.early_.size() < kMaxEarlyEvents) d.early_.emplace(e.seq, e);
      if (!d.c_.timers_.armed(TimerName::GapResync)) d.c_.timers_.set(TimerName::GapResync, now + kGapResyncMs);
    }, *this, e, now);
  apply(e);
  if (!early_.empty())
    call_apart(+[](SessionDelivery& d) {
      for (auto it = d.early_.begin(); it != d.early_.end() && it->first <= d.last_event_seq_ + 1; it = d.early_.erase(it))
        if (it->first == d.last_event_seq_ + 1) d.apply(it->second);
    }, *this);
  if (early_.empty()) c_.timers_.cancel(TimerName::GapResync);
}

void SessionDelivery::apply(const ServerEvent& e) {
  last_event_seq_ = e.seq;
  // The events of calls and of people from the shop go through call_apart:
  // a first chat receives none of them, so their handling stays out of the
  // core's first part (call_apart.hpp).
  if (e.voice) {  // not part of a reply: settled unless a reply is still streaming
    if (!reply_open_) settled_event_seq_ = e.seq;
    return call_apart(+[](Client& c, const ServerEvent& e) { c.voice_.on_transcript(e.reply_to, *e.voice); }, c_, e);
  }
  if (e.held) {  // kept for a person: acked, and no agent reply will settle it
    outbox_.remove(e.reply_to);
    if (!reply_open_) settled_event_seq_ = e.seq;
    return persist();
  }
  if (e.read) {  // a person opened the conversation: a receipt, not part of any reply
    if (!reply_open_) settled_event_seq_ = e.seq;
    call_apart(+[](Client& c, const ServerEvent& e) { c.presence_.on_read(*e.read); }, c_, e);
    return persist();
  }
  if (e.reply_to.rfind("staff-", 0) == 0)  // they stopped typing
    call_apart(+[](Client& c, const ServerEvent& e) { c.presence_.on_staff_message(e.seq); }, c_, e);
  if (e.control) {  // a takeover ends the streaming reply, so this event settles
    call_apart(+[](Client& c, const ServerEvent& e) { c.control_.on_event(*e.control, e.seq); }, c_, e);
    if (!reply_open_) settled_event_seq_ = e.seq;
    return persist();
  }
  const bool ends_reply = std::holds_alternative<AgentDone>(e.event) || std::holds_alternative<AgentError>(e.event);
  reply_open_ = !ends_reply && (reply_open_ || std::holds_alternative<AgentStart>(e.event) ||
                                std::holds_alternative<AgentDelta>(e.event));
  open_reply_ = reply_open_ ? e.reply_to : std::string();
  if (!reply_open_) settled_event_seq_ = e.seq;
  if (auto* err = std::get_if<AgentError>(&e.event)) {
    outbox_.remove(e.reply_to);
    c_.out_.emplace_back(Log{"warn", "the agent failed to answer (" + err->code + "): " + err->message});
    c_.out_.emplace_back(HostEvent{"error", dump(json_object({{"code", "agent_failed"}, {"reply_to", e.reply_to}, {"detail", err->message}}))});
    return;
  }
  if (c_.replies_.apply(e.reply_to, e.event)) finish_reply(e.reply_to);
}

void SessionDelivery::finish_reply(const std::string& reply_to) {
  outbox_.remove(reply_to);  // answered: nothing more to ask for
  transcript_.add_agent(reply_to, c_.replies_.text(reply_to), c_.replies_.cards(reply_to), c_.replies_.author(reply_to));
  c_.out_.emplace_back(HostEvent{"message", dump(json_object({{"role", "agent"}, {"reply_to", reply_to}, {"text", c_.replies_.text(reply_to)}}))});
  c_.replies_.forget(reply_to);
  persist();
}

void SessionDelivery::on_down() {
  early_.clear();  // the resume replays everything after last_event_seq
  c_.timers_.cancel(TimerName::GapResync);
  outbox_.mark_all_unsent();
  for (const auto& e : outbox_.entries())
    if (!e.acked) c_.out_.emplace_back(DeliveryChanged{e.message_id, "queued", kQueuedDetail, false});
  persist();
}

void SessionDelivery::record_sent(const std::string& message_id, const std::string& text, const std::string& context_json) {
  if (outbox_.has_room_for(text.size() + context_json.size())) outbox_.push(message_id, text, context_json);
  else c_.out_.emplace_back(Log{"warn", "too many unanswered messages to keep: this one is not kept for the next page"});
  transcript_.add_user(message_id, text);
  persist();
  c_.conversation_touched(text);
}

void SessionDelivery::record_answered(const std::string& reply_to) {
  outbox_.remove(reply_to);
  transcript_.add_agent(reply_to, c_.replies_.text(reply_to), c_.replies_.cards(reply_to), c_.replies_.author(reply_to));
  persist();
}

// The blob is written by hand around the outbox's and the transcript's kept
// texts (they rarely change between two persists), keys in nlohmann's sorted
// order, so it reads as before: {"conversation_key", "last_event_seq",
// "outbox", "resume_token", "saved", "session_id", "transcript", "visitor"}.
void SessionDelivery::persist() {
  std::string blob = "{";
  auto field = [&blob](const char* key, const std::string& json_text) {
    if (blob.size() > 1) blob += ',';
    blob.append("\"").append(key).append("\":").append(json_text);
  };
  const bool live = !c_.config_.session_url.empty();  // the live session's place to resume from
  // Both transports: a reload must keep proving the conversation is ours.
  // Confirmed actions not yet reported: asked again after a reload (chat/actions.hpp).
  if (!c_.actions_.kept_json().empty()) field("actions", c_.actions_.kept_json());  // absent: none
  field("conversation_key", dump(c_.config_.conversation_key));
  if (live) field("last_event_seq", std::to_string(settled_event_seq_));
  field("outbox", outbox_.to_json());
  if (live) field("resume_token", dump(resume_token_));
  if (c_.saved_.size()) field("saved", dump(c_.saved_.to_json()));  // absent: none saved
  field("session_id", dump(c_.config_.conversation_id));
  field("transcript", transcript_.to_json_text());
  if (c_.identity_.visitor()) field("visitor", dump(visitor_to_json(c_.identity_.visitor())));  // absent: none
  c_.out_.emplace_back(Persist{c_.session_key(), blob + '}'});
}

}  // namespace natter
