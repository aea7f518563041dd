// Builds the agent's replies from their events, whichever transport carried
// them (HTTP server-sent events or live-session frames). One reply per
// shopper message id: a replayed or resumed stream updates the same bubble
// and never shows a card twice.
//
// A streaming reply is drawn at most once per window. Each draw parses
// the whole text so far and the page rebuilds the bubble from it, so a draw
// per delta costs the square of the reply's length: a 32 KiB reply in
// 4-character deltas took 8 s of core time alone, and a resumed session
// replays a whole reply's deltas at once. A reply's first delta, and one
// after a quiet spell, draws at once (nothing is held back from a reply
// that has just started); later ones within the window wait for timer
// ReplyRedraw, and `done` draws at once.
//
// The window is kRedrawMs per started kRedrawBytes of text: a draw costs in
// proportion to the reply's length, so a window that grows with it keeps
// the share of the page's time a streaming reply takes about the same at
// any length. A 32 KiB Markdown reply in 500 deltas, one per 20 ms, took
// 17 % of its streaming time in the core with a fixed 50 ms window, 4.5 %
// with this one (docs/benchmarks.md, "Streaming a reply").
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "chat/actions.hpp"
#include "chat/agent_protocol.hpp"
#include "base/effects.hpp"
#include "base/timers.hpp"

namespace natter {

class ReplyAssembler {
 public:
  // A reply longer than this is cut off (one warning): bounded memory.
  static constexpr std::size_t kMaxReplyBytes = 32 * 1024;

  static constexpr int64_t kRedrawMs = 50;
  static constexpr std::size_t kRedrawBytes = 4 * 1024;
  // The least time between two draws of a streaming reply of `bytes`.
  static constexpr int64_t redraw_window(std::size_t bytes) {
    return kRedrawMs * static_cast<int64_t>(bytes / kRedrawBytes + 1);
  }

  // now: the time of the event being handled (the client's clock).
  // actions: given the one action each reply may propose.
  ReplyAssembler(std::deque<Effect>& out, Timers& timers, const int64_t& now, ActionKeeper& actions)
      : out_(out), timers_(timers), now_(now), actions_(actions) {}

  // The reply to `reply_to` starts over (a new HTTP response replays it whole).
  void restart(const std::string& reply_to);
  // Applies one event; emits AgentReplyUpdated / ProductCardShown. Returns
  // true when the event finished the reply (`done`).
  bool apply(const std::string& reply_to, const AgentEvent& event);
  // Timer ReplyRedraw: draws every reply whose text changed since its last draw.
  void on_redraw_timer();
  const std::string& text(const std::string& reply_to) { return replies_[reply_to].text; }
  bool done(const std::string& reply_to) const {
    auto it = replies_.find(reply_to);
    return it != replies_.end() && it->second.done;
  }
  const std::vector<ProductCardShown>& cards(const std::string& reply_to) { return replies_[reply_to].shown; }
  const std::string& author(const std::string& reply_to) { return replies_[reply_to].author; }
  // Forget a finished reply's working state (its bubble stays on screen).
  void forget(const std::string& reply_to) {
    replies_.erase(reply_to);
    settle_timer();
  }

 private:
  struct Reply {
    std::string text;
    std::set<std::string> cards;
    std::vector<ProductCardShown> shown;
    bool done = false;
    bool suggested = false;  // its suggestions were shown
    bool acted = false;      // its one action was proposed
    bool undrawn = false;  // text arrived since the last draw
    bool drawn = false;    // drawn_at holds the time of its last draw
    int64_t drawn_at = 0;
    std::string author;  // AgentStart's: a person from the shop, or "" (the assistant)
  };
  void draw(const std::string& reply_to, Reply& r);
  // One action per reply, before its done (called apart: no first chat's).
  static void on_action(ReplyAssembler& self, const std::string& reply_to, Reply& r, const AgentAction& a);
  static int64_t next_draw_at(const Reply& r) { return r.drawn_at + redraw_window(r.text.size()); }
  // ReplyRedraw is armed exactly while some reply is undrawn, for the
  // earliest end of their windows.
  void settle_timer();
  std::deque<Effect>& out_;
  Timers& timers_;
  const int64_t& now_;
  ActionKeeper& actions_;
  std::map<std::string, Reply> replies_;
};

}  // namespace natter
