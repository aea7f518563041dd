// A streaming reply is drawn at most once per window: ReplyAssembler::kRedrawMs
// per started kRedrawBytes of its text (reply_assembler.hpp). Each draw
// re-parses the whole reply, so drawing on every delta costs the square of
// its length, and a window that grows with the reply bounds its share of
// the page's time.
#include <gtest/gtest.h>

#include <string>

#include "session_harness.hpp"

namespace natter {
namespace {

using namespace natter::testing;

constexpr int64_t kWindow = ReplyAssembler::kRedrawMs;

// The text a reply update shows, run by run.
std::string shown(const AgentReplyUpdated& u) {
  std::string out;
  for (const auto& block : u.content.blocks)
    for (const auto& line : block.lines)
      for (const auto& span : line) out += span.text;
  return out;
}

// Live with one message acked and its reply started; returns its id.
std::string reply_started(Harness& h, uint32_t id) {
  h.feed(SendClicked{"which console?"});
  const std::string mid = h.all_of<UserMessageShown>().back().message_id;
  h.feed(WsFrame{id, ack(mid)});
  h.feed(WsFrame{id, event(1, mid, "start", R"({"reply_id":"r1"})")});
  return mid;
}

TEST(ReplyRedraw, AReplaysBurstOfDeltasIsDrawnOnceForTheFirstAndOnceWhenDone) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  const std::string mid = reply_started(h, id);
  for (int i = 0; i < 200; ++i) h.feed(WsFrame{id, event(2 + i, mid, "delta", R"({"text":"ab "})")});
  auto updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 1u) << "the first delta at once, the rest held";
  EXPECT_EQ(shown(updates[0]), "ab");  // trailing space trimmed by the parser
  h.feed(WsFrame{id, event(202, mid, "done", "{}")});
  updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 2u) << "done draws at once, whatever the window";
  EXPECT_TRUE(updates[1].done);
  std::string all;
  for (int i = 0; i < 200; ++i) all += "ab ";
  EXPECT_EQ(shown(updates[1]), all.substr(0, all.size() - 1)) << "the whole reply (the last space trimmed by the parser)";
  EXPECT_FALSE(h.client.timers().armed(TimerName::ReplyRedraw)) << "nothing left to draw: no timer";
}

TEST(ReplyRedraw, HeldTextIsDrawnWhenTheWindowEndsWithoutWaitingForTheNextDelta) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  const std::string mid = reply_started(h, id);
  h.feed(WsFrame{id, event(2, mid, "delta", R"({"text":"The PS5 "})")});
  const int64_t first = h.now;
  h.now += 10;
  h.feed(WsFrame{id, event(3, mid, "delta", R"({"text":"is in stock."})")});
  ASSERT_EQ(h.all_of<AgentReplyUpdated>().size(), 1u);
  ASSERT_EQ(h.client.timers().deadline(TimerName::ReplyRedraw), first + kWindow) << "a window after the last draw";
  h.advance(kWindow - 11);
  EXPECT_EQ(h.all_of<AgentReplyUpdated>().size(), 1u) << "1 ms before the window ends";
  h.advance(1);
  auto updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(shown(updates[1]), "The PS5 is in stock.");
  EXPECT_FALSE(updates[1].done) << "still streaming";
  EXPECT_FALSE(h.client.timers().armed(TimerName::ReplyRedraw));
  // A quiet spell since that draw: the next delta is drawn at once.
  h.now += kWindow;
  h.feed(WsFrame{id, event(4, mid, "delta", R"({"text":" Two left."})")});
  ASSERT_EQ(h.all_of<AgentReplyUpdated>().size(), 3u);
  EXPECT_EQ(shown(h.all_of<AgentReplyUpdated>().back()), "The PS5 is in stock. Two left.");
}

TEST(ReplyRedraw, EachReplyHasItsOwnWindowSoANewReplysFirstDeltaIsDrawnAtOnce) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  const std::string a = reply_started(h, id);
  h.feed(WsFrame{id, event(2, a, "delta", R"({"text":"A1"})")});
  h.feed(WsFrame{id, event(3, a, "delta", R"({"text":" A2"})")});  // held
  h.feed(SendClicked{"and the controller?"});
  const std::string b = h.all_of<UserMessageShown>().back().message_id;
  h.feed(WsFrame{id, ack(b)});
  h.now += 1;
  h.feed(WsFrame{id, event(4, b, "delta", R"({"text":"B1"})")});
  auto updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[1].reply_to, b) << "B's first delta, 1 ms after A's draw";
  EXPECT_EQ(shown(updates[1]), "B1");
  h.feed(WsFrame{id, event(5, b, "delta", R"({"text":" B2"})")});  // held
  h.advance_to_deadline(kWindow);
  updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 3u) << "A's window ended first: only A is drawn";
  EXPECT_EQ(shown(updates[2]), "A1 A2");
  h.advance_to_deadline(kWindow);
  updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 4u);
  EXPECT_EQ(shown(updates[3]), "B1 B2");
  EXPECT_FALSE(h.client.timers().armed(TimerName::ReplyRedraw));
}

TEST(ReplyRedraw, TheWindowGrowsByKRedrawMsPerStartedKRedrawBytesOfTheReply) {
  static_assert(ReplyAssembler::redraw_window(0) == kWindow);
  static_assert(ReplyAssembler::redraw_window(ReplyAssembler::kRedrawBytes - 1) == kWindow);
  static_assert(ReplyAssembler::redraw_window(ReplyAssembler::kRedrawBytes) == 2 * kWindow);
  static_assert(ReplyAssembler::redraw_window(ReplyAssembler::kMaxReplyBytes) == 9 * kWindow);
  Harness h(session_config());
  const uint32_t id = go_live(h);
  const std::string mid = reply_started(h, id);
  const std::string long_text(ReplyAssembler::kRedrawBytes, 'a');
  h.feed(WsFrame{id, event(2, mid, "delta", R"({"text":")" + long_text + R"("})")});
  const int64_t first = h.now;
  ASSERT_EQ(h.all_of<AgentReplyUpdated>().size(), 1u) << "the first delta at once, however long";
  h.now += kWindow;  // a short reply's window has ended; this one's has not
  h.feed(WsFrame{id, event(3, mid, "delta", R"({"text":"b"})")});
  ASSERT_EQ(h.all_of<AgentReplyUpdated>().size(), 1u) << "held: 4 KiB and more waits two windows";
  ASSERT_EQ(h.client.timers().deadline(TimerName::ReplyRedraw), first + 2 * kWindow);
  h.advance(kWindow - 1);
  EXPECT_EQ(h.all_of<AgentReplyUpdated>().size(), 1u) << "1 ms before the longer window ends";
  h.advance(1);
  auto updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(shown(updates[1]), long_text + "b");
  h.feed(WsFrame{id, event(4, mid, "delta", R"({"text":"c"})")});
  h.feed(WsFrame{id, event(5, mid, "done", "{}")});
  updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 3u) << "done draws at once, whatever the window";
  EXPECT_EQ(shown(updates[2]), long_text + "bc");
  EXPECT_FALSE(h.client.timers().armed(TimerName::ReplyRedraw));
}

TEST(ReplyRedraw, OverHttpHeldTextIsDrawnByTheTimerAndTheFinishedReplyLeavesNoTimer) {
  Harness h;  // over HTTP (server-sent events): the same assembler, the same window
  h.feed(SendClicked{"first"});
  const auto a = h.last_request();
  h.feed(HttpResponded{a.request_id, 200, -1});
  h.feed(HttpBody{a.request_id, sse("delta", R"({"text":"A1"})")});
  h.feed(HttpBody{a.request_id, sse("delta", R"({"text":" A2"})")});
  ASSERT_EQ(h.all_of<AgentReplyUpdated>().size(), 1u);
  h.advance_to_deadline(kWindow);
  auto updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(shown(updates[1]), "A1 A2");
  h.feed(HttpBody{a.request_id, sse("done", "{}")});
  EXPECT_TRUE(h.all_of<AgentReplyUpdated>().back().done);
  EXPECT_EQ(h.client.next_deadline(), std::nullopt) << "no timer outlives a finished reply";
}

}  // namespace
}  // namespace natter
