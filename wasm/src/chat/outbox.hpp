// Messages the shopper sent whose reply has not finished yet, in the order
// they were sent: unacked ones wait to be (re)sent; acked ones stay until
// their reply is done, so a session that restarts afresh can ask for the
// reply again (the server dedupes by id and replays it). Bounded (kMaxMessages, kMaxBytes): a full
// outbox refuses the next message with a clear error instead of growing.
// Survives a reload through the Persist effect (to_json / from_json).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace natter {

struct OutboxEntry {
  std::string message_id;
  std::string text;
  bool sent_on_current_connection = false;  // a msg frame went out on the live socket
  bool acked = false;                       // the server has it; waiting for the reply
  std::string json;                         // {"id","text","context"?} as JSON text, written once on push
  std::string context_json;                 // the page context when it was accepted ("" none; page_context.hpp)
};

class Outbox {
 public:
  static constexpr std::size_t kMaxMessages = 20;
  static constexpr std::size_t kMaxBytes = 64 * 1024;

  bool has_room_for(std::size_t text_bytes) const {
    return entries_.size() < kMaxMessages && bytes_ + text_bytes <= kMaxBytes;
  }
  // Caller checks has_room_for first (the text's and the context's bytes).
  void push(std::string message_id, std::string text, std::string context_json = "");
  // Removes the entry with this id; false when it was not there.
  bool remove(const std::string& message_id);
  bool contains(const std::string& message_id) const;
  OutboxEntry* find(const std::string& message_id);
  // A new connection: nothing has been sent on it yet.
  void mark_all_unsent() {  // not persisted: to_json() stays
    for (auto& e : entries_) e.sent_on_current_connection = false;
  }

  std::deque<OutboxEntry>& entries() { return entries_; }
  const std::deque<OutboxEntry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }

  // [{"id": "...", "text": "..."}, ...], kept between changes (as the
  // transcript's: persisted after every ack and event).
  const std::string& to_json() const;
  // Restores from to_json() output; entries that do not fit or are
  // malformed are skipped. Returns how many were restored.
  std::size_t restore(std::string_view json_text);

 private:
  std::deque<OutboxEntry> entries_;
  std::size_t bytes_ = 0;
  mutable std::string text_;  // to_json(), valid while !text_stale_
  mutable bool text_stale_ = true;
};

}  // namespace natter
