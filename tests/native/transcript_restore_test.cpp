// The transcript across the shop's pages (transcript.hpp): what one page
// persisted, the next page of the same tab shows again at start, once, with
// a message still unsent shown only as queued, and untrusted stored data
// re-checked (card links http(s) only).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "session_harness.hpp"

namespace natter::testing {
namespace {

// The config the next page builds from the last natter.session Persist.
Config next_page_config(const Harness& h) {
  const auto persisted = h.all_of<Persist>();
  EXPECT_FALSE(persisted.empty());
  auto saved = nlohmann::json::parse(persisted.back().value);
  Config c = session_config();
  c.resume_token = saved["resume_token"].get<std::string>();
  c.last_event_seq = saved["last_event_seq"].get<uint64_t>();
  c.outbox_json = saved["outbox"].dump();
  c.transcript_json = saved["transcript"].dump();
  return c;
}

const char* kCard =
    R"({"product":{"id":"p1","name":"DualSense","price":"59.99","currency":"GBP","url":"https://shop.test/p1"}})";

TEST(TranscriptRestore, TheNextPageShowsTheConversationOnceAndKeepsTheUnsentQueued) {
  Harness first{session_config()};
  const uint32_t conn = go_live(first);
  first.feed(EnterPressed{"do you have PS5 games?", false, false, false});
  const std::string answered = first.all_of<UserMessageShown>().back().message_id;
  first.feed(WsFrame{conn, ack(answered)});
  first.feed(WsFrame{conn, event(1, answered, "delta", R"({"text":"Yes, **lots**."})")});
  first.feed(WsFrame{conn, event(2, answered, "card", kCard)});
  first.feed(WsFrame{conn, event(3, answered, "done", "{}")});
  first.feed(WsClosed{conn, 1006, "", true});  // the shopper moves on while offline
  first.feed(EnterPressed{"and controllers?", false, false, false});
  const std::string unsent = first.all_of<UserMessageShown>().back().message_id;

  Harness next{next_page_config(first)};
  next.feed(SessionWanted{});
  auto users = next.all_of<UserMessageShown>();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0].message_id, answered);
  EXPECT_EQ(users[1].message_id, unsent);
  auto replies = next.all_of<AgentReplyUpdated>();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].reply_to, answered);
  EXPECT_TRUE(replies[0].done);
  ASSERT_FALSE(replies[0].content.blocks.empty());
  EXPECT_TRUE(replies[0].content.blocks[0].lines[0][1].bold);  // "lots", rebuilt from the source text
  auto cards = next.all_of<ProductCardShown>();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].url, "https://shop.test/p1");
  auto states = next.all_of<DeliveryChanged>();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].state, "sent");
  EXPECT_EQ(states[1].state, "queued");

  // Resumed: nothing is shown twice, the unsent message goes out once.
  const uint32_t c2 = last_conn(next);
  next.feed(WsOpened{c2});
  next.feed(WsFrame{c2, welcome(true)});
  EXPECT_EQ(next.all_of<UserMessageShown>().size(), 2u);
  auto msgs = sent_frames(next, "msg");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(msgs[0])["message_id"].get<std::string>(), unsent);
}

TEST(TranscriptRestore, TamperedStorageIsCheckedLikeAgentData) {
  Config c = session_config();
  c.transcript_json = R"json([{"role":"user","id":"m1","text":"hi"},
    {"role":"agent","id":"m1","text":"see [this](javascript:alert(1))",
     "cards":[{"product_id":"x","name":"X","price":"1","currency":"GBP","url":"javascript:alert(1)"}]},
    {"role":"admin","id":"m2","text":"?"}, 42])json";
  Harness h{c};
  h.feed(SessionWanted{});
  EXPECT_EQ(h.count_logs("dropped malformed entries of the restored transcript"), 1u);
  EXPECT_EQ(h.all_of<UserMessageShown>().size(), 1u);
  EXPECT_TRUE(h.all_of<ProductCardShown>().empty());
  auto replies = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(replies.size(), 1u);
  for (const auto& b : replies[0].content.blocks)
    for (const auto& l : b.lines)
      for (const auto& s : l) EXPECT_TRUE(s.href.empty()) << s.href;
}

TEST(TranscriptRestore, ItStaysBounded) {
  Transcript t;
  for (int i = 0; i < 500; ++i) t.add_user("m" + std::to_string(i), std::string(200, 'x'));
  EXPECT_EQ(t.entries().size(), Transcript::kMaxEntries);
  EXPECT_EQ(t.entries().back().id, "m499");
  Transcript big;
  for (int i = 0; i < 10; ++i) big.add_agent("m" + std::to_string(i), std::string(16 * 1024, 'y'), {});
  EXPECT_LE(big.entries().size(), 3u);
}

}  // namespace
}  // namespace natter::testing
