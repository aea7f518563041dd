// Builds the agent's replies from their events, whichever transport carried
// them (HTTP server-sent events or live-session frames). One reply per
// shopper message id: a replayed or resumed stream updates the same bubble
// and never shows a card twice.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "agent_protocol.hpp"
#include "effects.hpp"

namespace natter {

class ReplyAssembler {
 public:
  // A reply longer than this is cut off (one warning): bounded memory.
  static constexpr std::size_t kMaxReplyBytes = 32 * 1024;

  explicit ReplyAssembler(std::deque<Effect>& out) : out_(out) {}

  // The reply to `reply_to` starts over (a new HTTP response replays it whole).
  void restart(const std::string& reply_to);
  // Applies one event; emits AgentReplyUpdated / ProductCardShown. Returns
  // true when the event finished the reply (`done`).
  bool apply(const std::string& reply_to, const AgentEvent& event);
  const std::string& text(const std::string& reply_to) { return replies_[reply_to].text; }
  bool done(const std::string& reply_to) const {
    auto it = replies_.find(reply_to);
    return it != replies_.end() && it->second.done;
  }
  const std::vector<ProductCardShown>& cards(const std::string& reply_to) { return replies_[reply_to].shown; }
  const std::string& author(const std::string& reply_to) { return replies_[reply_to].author; }
  // Forget a finished reply's working state (its bubble stays on screen).
  void forget(const std::string& reply_to) { replies_.erase(reply_to); }

 private:
  struct Reply {
    std::string text;
    std::set<std::string> cards;
    std::vector<ProductCardShown> shown;
    bool done = false;
    std::string author;  // AgentStart's: a person from the shop, or "" (the assistant)
  };
  std::deque<Effect>& out_;
  std::map<std::string, Reply> replies_;
};

}  // namespace natter
