// The conversation as the shopper saw it, kept so the shop's next page (same
// tab) shows it again without asking the server: shopper messages, finished
// agent replies (their source text: the rich text is rebuilt, and re-checked,
// on restore) and their product cards. Persisted with the live session's
// state (session_delivery.cpp); bounded: the newest kMaxEntries entries and
// at most kMaxBytes of text, oldest dropped first.
//
// Restored data came from storage the host page can write, so it is treated
// like agent data: unknown or mistyped entries are dropped, card links must
// be http(s).
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/effects.hpp"

namespace natter {

struct TranscriptEntry {
  bool from_user = false;
  std::string id;    // the shopper message id (for a reply: the one it answers)
  std::string text;  // as typed, or the reply's source text
  std::vector<ProductCardShown> cards;
  bool voice = false;  // a voice call's transcript (said, not typed); id names its bubble
  bool cut = false;    // voice, agent: interrupted by the shopper (barge-in)
  std::string author{};  // agent: a person from the shop wrote it (their name); "": the assistant
  std::string json{};    // this entry as JSON text, written once when it is added (entries never change)
};

class Transcript {
 public:
  static constexpr std::size_t kMaxEntries = 60;
  static constexpr std::size_t kMaxBytes = 48 * 1024;

  void add_user(const std::string& id, const std::string& text);
  void add_agent(const std::string& reply_to, const std::string& text, std::vector<ProductCardShown> cards,
                 const std::string& author = "");
  // A voice bubble's final text (voice_call.cpp).
  void add_voice(const std::string& id, bool from_user, const std::string& text, bool cut,
                 std::vector<ProductCardShown> cards);
  // The entries as JSON text, kept between changes: the session's state is
  // persisted after every ack and event, and re-serialising up to 48 KB of
  // text each time was most of the core's work (and of the simulation's).
  const std::string& to_json_text() const;
  // Keeps what is well formed in `json_text` (an array); returns how many
  // entries were dropped as malformed.
  std::size_t restore(const std::string& json_text);
  const std::deque<TranscriptEntry>& entries() const { return entries_; }

 private:
  void push(TranscriptEntry e);
  std::deque<TranscriptEntry> entries_;
  std::size_t bytes_ = 0;
  mutable std::string text_;  // to_json_text(): the entries' texts joined, valid while !text_stale_
  mutable bool text_stale_ = true;
};

}  // namespace natter
