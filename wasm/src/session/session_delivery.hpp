// Text messages over the live session: the outbox, acks, and the agent's
// reply events with their sequence numbers.
//
// Rules:
//  - A message goes into the outbox first (bounded; full = refused with a
//    clear error), then out on the live socket if there is one. It leaves
//    the outbox only when the server acks it (or lists it as already acked
//    in a welcome): nothing the shopper sent is ever dropped silently.
//  - The outbox is re-sent in order only after a welcome, never before the
//    handshake; each message keeps its id, so the server dedupes.
//  - Server events are applied once and in seq order: an event at or below
//    the last applied seq is a replay and is dropped; one that arrives
//    ahead of a gap waits (bounded) until the gap fills; if it has not
//    filled within kGapResyncMs the connection resumes afresh, and the
//    server re-sends whatever was missed. A fresh session (welcome
//    with resumed=false) restarts the sequence and shows one notice.
//  - Every change worth surviving a reload is emitted as Persist.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "chat/outbox.hpp"
#include "chat/transcript.hpp"
#include "session/session_frames.hpp"

namespace natter {

class Client;

class SessionDelivery {
 public:
  static constexpr const char* kPersistKey = "natter.session";

  explicit SessionDelivery(Client& client) : c_(client) {}

  // Restores what an earlier page of this tab persisted (from the config).
  void restore(const std::string& resume_token, uint64_t last_event_seq, const std::string& outbox_json,
               const std::string& transcript_json = "");
  // Shows restored messages and asks for the session if any wait to go out.
  void start(int64_t now);
  // This tab takes another device's conversation (device_link.cpp): its own
  // token, the log position and the transcript so far replace this tab's.
  void adopt_continued(const std::string& resume_token, uint64_t last_event_seq, const std::string& transcript_json);
  // The adopted transcript, when the session had already started.
  void show_continued() { show_transcript(); }

  // A submission accepted by the send machine. False when the outbox is full
  // (nothing was queued; the caller keeps the text in the composer).
  bool submit(const std::string& message_id, const std::string& text, int64_t now);
  // True while the newest message is on the wire and not yet acked: the
  // send machine blocks further triggers meanwhile.
  bool awaiting_ack() const;
  bool outbox_has_room(std::size_t text_bytes) const { return outbox_.has_room_for(text_bytes); }

  void on_live(const Welcome& w);
  void on_ack(const Ack& a);
  void on_event(const ServerEvent& e, int64_t now);
  bool has_gap() const { return !early_.empty(); }
  // Who controls the conversation changed (conversation_control.hpp). Once
  // the AI does not, the reply streaming is closed where the takeover cut
  // it. Messages no agent reply will answer leave the outbox with their
  // `held` event (an ack alone cannot say so: the server may have handed
  // the conversation back meanwhile).
  void on_control_changed(bool ai_answers);
  void on_down();
  void flush_outbox();  // sends every outbox entry not yet sent on this socket

  const std::string& resume_token() const { return resume_token_; }
  uint64_t last_event_seq() const { return last_event_seq_; }
  const Outbox& outbox() const { return outbox_; }
  const Transcript& transcript() const { return transcript_; }
  // A voice bubble became final (voice_call.cpp): kept with the transcript.
  void record_voice(const std::string& id, bool from_user, const std::string& text, bool cut,
                    std::vector<ProductCardShown> cards) {
    transcript_.add_voice(id, from_user, text, cut, std::move(cards));
    persist();
  }
  // Emits the natter.session blob (with the client's visitor, when known).
  // Over HTTP the same blob without the session's token and log position.
  void persist();

  // Over HTTP (send_machine.cpp) the same outbox and transcript keep the
  // conversation for the shop's next page: a message stays in the outbox
  // from its acceptance until its reply finished (failed ones too, until
  // then), the transcript gets the message and the finished reply.
  void record_sent(const std::string& message_id, const std::string& text, const std::string& context_json);
  void record_answered(const std::string& reply_to);
  // The restored conversation, drawn once at the next page's start.
  void show_restored() { show_transcript(); }

 private:
  void show_transcript();
  void delivered(const std::string& message_id);
  void apply(const ServerEvent& e);
  void finish_reply(const std::string& reply_to);  // a reply ended: outbox, transcript, host event

  static constexpr std::size_t kMaxEarlyEvents = 256;
  static constexpr int64_t kGapResyncMs = 2000;

  Client& c_;
  Outbox outbox_;
  Transcript transcript_;
  std::string resume_token_;
  uint64_t last_event_seq_ = 0;
  // The seq of the last event that left no reply half-applied. A reload
  // loses a half-built reply (only finished ones are in the transcript), so
  // the tab's storage keeps this one: the next page resumes from the start
  // of the unfinished reply. Turns run one at a time, so replies never
  // interleave and nothing finished is replayed.
  uint64_t settled_event_seq_ = 0;
  bool reply_open_ = false;
  std::string open_reply_;  // the reply_to of the reply streaming now ("" when none)
  std::map<uint64_t, ServerEvent> early_;  // arrived ahead of a gap, by seq
  bool had_session_ = false;  // a welcome or a restored token: a fresh start is news
};

}  // namespace natter
