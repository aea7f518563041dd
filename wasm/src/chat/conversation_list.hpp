// The shopper's conversations, when the shop enables several
// (data-conversations="multiple"; off by default: shared computers exist).
// A pure unit: the list, which one is current, its bound, titles and last
// activity, and the index's stored form. Client owns one and persists it
// with the Persist effect (kIndexKey); each conversation keeps its own
// natter.session blob under blob_key(id), so switching back resumes that
// conversation's own session (resume token, outbox, transcript) through the
// ordinary restore path: an unanswered message stays in its conversation's
// outbox and is sent again with its own id when that conversation resumes
// (the gateway's exactly-once keys), never lost and never sent twice.
//
// The index came from storage the page can write: every entry is re-checked
// (ids as the core mints them, titles bounded), duplicates and extra entries
// dropped; an unreadable index falls back to a list holding only the
// conversation the page booted with, and says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace natter {

struct ConversationEntry {
  std::string id;
  std::string title;     // the shopper's first message, shortened; "": none yet (the UI shows the date)
  int64_t last_ms = 0;   // last activity, wall clock ms since 1970 (0: unknown)
};

class ConversationList {
 public:
  static constexpr std::size_t kMaxConversations = 10;
  static constexpr std::size_t kMaxTitleBytes = 80;  // UTF-8, cut at a character boundary
  static constexpr const char* kIndexKey = "natter.conversations";
  static constexpr const char* kBlobKeyPrefix = "natter.session.";
  static std::string blob_key(const std::string& id) { return kBlobKeyPrefix + id; }
  // An id as the core mints them (and shim/config.js storedConversation accepts).
  static bool valid_id(const std::string& id);

  // Restores the stored index (`json_text`, "" when none) around `current`,
  // the conversation this page booted with (always in the list afterwards).
  // Returns "" when the index was absent or read as is, else what was wrong
  // (the caller logs it; the list then holds what could be kept).
  std::string restore(const std::string& json_text, const std::string& current);

  // A new conversation `id` becomes current, first in the list. When the
  // list is full the one with the oldest activity is forgotten: its id is
  // returned (the caller clears its blob).
  std::vector<std::string> start(const std::string& id, int64_t wall_ms);
  // Makes `id` current; false (nothing changes) when unknown or already current.
  bool switch_to(const std::string& id);
  // The shopper sent `text` in `id` at `wall_ms`: the first message names
  // the conversation; every message moves it to the top.
  void touch(const std::string& id, const std::string& text, int64_t wall_ms);
  // The server could not resume `from` and named `to` instead.
  void rename(const std::string& from, const std::string& to);

  const std::string& current() const { return current_; }
  // Most recent activity first.
  const std::vector<ConversationEntry>& entries() const { return entries_; }
  // {"v":1,"current":id,"items":[{"id","title","last_ms"}, …]}
  std::string to_json() const;

  // A title from a message: whitespace collapsed, at most kMaxTitleBytes.
  static std::string title_from(const std::string& text);

 private:
  ConversationEntry* find(const std::string& id);
  void to_front(const std::string& id);
  std::vector<ConversationEntry> entries_;
  std::string current_;
};

}  // namespace natter
