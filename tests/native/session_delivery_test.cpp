// Text over the live session: the outbox, acks, order, replays.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "session_harness.hpp"

namespace natter {
namespace {

using namespace natter::testing;

TEST(SessionDelivery, AMessageSentWhileOfflineWaitsVisiblyAndGoesOutOnceAfterTheWelcome) {
  Harness h(session_config());
  h.feed(NetworkChanged{false});
  h.feed(SendClicked{"first"});
  h.feed(SendClicked{"second"});
  auto states = h.all_of<DeliveryChanged>();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].state, "queued");
  EXPECT_NE(states[0].detail.find("back online"), std::string::npos);
  const uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  EXPECT_TRUE(sent_frames(h, "msg").empty()) << "nothing before the handshake";
  h.feed(WsFrame{id, welcome()});
  auto msgs = sent_frames(h, "msg");
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_NE(msgs[0].find("\"text\":\"first\""), std::string::npos);
  EXPECT_NE(msgs[1].find("\"text\":\"second\""), std::string::npos);
}

TEST(SessionDelivery, TriggersAreBlockedUntilTheServerAcks) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(EnterPressed{"hi"});
  h.feed(EnterPressed{"hi"});
  h.feed(SendClicked{"hi"});
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
  EXPECT_EQ(h.count_logs("send blocked: already sending"), 2u);
  const std::string mid = h.all_of<UserMessageShown>()[0].message_id;
  h.feed(WsFrame{id, ack(mid)});
  EXPECT_EQ(h.all_of<DeliveryChanged>().back().state, "sent");
  h.feed(SendClicked{"next"});
  EXPECT_EQ(sent_frames(h, "msg").size(), 2u);
}

TEST(SessionDelivery, UnackedMessagesAreResentWithTheSameIdAfterADropAndAckedOnesAreNot) {
  Harness h(session_config());
  uint32_t id = go_live(h);
  h.feed(SendClicked{"one"});
  const std::string one = h.all_of<UserMessageShown>()[0].message_id;
  h.feed(WsFrame{id, ack(one)});
  h.feed(SendClicked{"two"});
  const std::string two = h.all_of<UserMessageShown>()[1].message_id;
  h.feed(WsClosed{id, 1006, "", true});
  h.advance_to_deadline();
  id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome()});
  auto msgs = sent_frames(h, "msg");
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_NE(msgs[2].find(two), std::string::npos);
}

TEST(SessionDelivery, MessagesTheWelcomeListsAsAckedAreNotResent) {
  Harness h(session_config());
  uint32_t id = go_live(h);
  h.feed(SendClicked{"one"});
  const std::string one = h.all_of<UserMessageShown>()[0].message_id;
  h.feed(WsClosed{id, 1006, "", true});  // the ack was lost
  h.advance_to_deadline();
  id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome(true, "[\"" + one + "\"]")});
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
  EXPECT_EQ(h.all_of<DeliveryChanged>().back().state, "sent");
  // It stays in the outbox until its reply is done (a fresh session would ask again).
  h.feed(WsFrame{id, event(1, one, "done", "{}")});
  EXPECT_TRUE(h.client.delivery().outbox().empty());
}

TEST(SessionDelivery, ReplayedEventsAfterAResumeShowNoDuplicates) {
  Harness h(session_config());
  uint32_t id = go_live(h);
  h.feed(SendClicked{"ps5?"});
  const std::string mid = h.all_of<UserMessageShown>()[0].message_id;
  const std::string card = R"({"product":{"id":"p1","name":"G","price":"1","currency":"GBP","url":"https://x.example/p"}})";
  h.feed(WsFrame{id, ack(mid)});
  h.feed(WsFrame{id, event(1, mid, "delta", R"({"text":"Yes "})")});
  h.feed(WsFrame{id, event(2, mid, "card", card)});
  h.feed(WsFrame{id, event(1, mid, "delta", R"({"text":"Yes "})")});  // duplicated frame
  h.feed(WsClosed{id, 1006, "", true});
  h.advance_to_deadline();
  id = last_conn(h);
  h.feed(WsOpened{id});
  EXPECT_NE(sent_frames(h, "hello").back().find("\"last_event_seq\":2"), std::string::npos);
  h.feed(WsFrame{id, welcome()});
  for (uint64_t s = 1; s <= 2; ++s) h.feed(WsFrame{id, event(s, mid, s == 1 ? "delta" : "card", s == 1 ? R"({"text":"Yes "})" : card)});
  h.feed(WsFrame{id, event(3, mid, "delta", R"({"text":"we do."})")});
  h.feed(WsFrame{id, event(4, mid, "done", "{}")});
  EXPECT_EQ(h.all_of<ProductCardShown>().size(), 1u);
  auto last = h.all_of<AgentReplyUpdated>().back();
  EXPECT_TRUE(last.done);
  EXPECT_EQ(last.content.blocks.at(0).lines.at(0).at(0).text, "Yes we do.");
}

TEST(SessionDelivery, GoingOfflineWhileLiveFindsADeadSocketWithinFiveSecondsAndKeepsOneThatAnswers) {
  {  // the socket died with the network: nothing answers the ping
    Harness h(session_config());
    const uint32_t id = go_live(h);
    const int64_t offline_at = h.now;
    h.feed(NetworkChanged{false});
    EXPECT_FALSE(sent_frames(h, "ping").empty()) << "a ping goes out at once";
    h.advance(5000);
    auto closes = h.all_of<WsClose>();
    ASSERT_EQ(closes.size(), 1u);
    EXPECT_EQ(closes[0].conn_id, id);
    EXPECT_EQ(closes[0].code, 4002);
    EXPECT_LE(h.now - offline_at, 5000);
  }
  {  // a false alarm: the pong comes, the socket stays
    Harness h(session_config());
    const uint32_t id = go_live(h);
    h.feed(NetworkChanged{false});
    h.advance(1000);
    h.feed(WsFrame{id, R"({"type":"pong","t":0})"});
    h.advance(10000);
    EXPECT_TRUE(h.all_of<WsClose>().empty());
    EXPECT_EQ(h.client.stats().reconnects, 0u);
  }
}

TEST(SessionDelivery, AFreshStartAfterTheResumeWindowShowsOneNoticeAndResendsTheOutbox) {
  Harness h(session_config());
  uint32_t id = go_live(h);
  h.feed(WsClosed{id, 1006, "", true});
  h.feed(NetworkChanged{false});
  h.feed(SendClicked{"still there?"});
  h.now += 200000;
  h.feed(NetworkChanged{true});
  id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome(false, "[]", "tok2")});
  EXPECT_EQ(h.all_of<NoticeShown>().size(), 1u);
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
  EXPECT_EQ(h.client.stats().fresh_starts, 1u);
}

TEST(SessionDelivery, TheOutboxIsBoundedAndSaysSoWhenFull) {
  Harness h(session_config());
  h.feed(NetworkChanged{false});
  for (size_t i = 0; i < Outbox::kMaxMessages; ++i) h.feed(SendClicked{"m" + std::to_string(i)});
  auto fx = h.feed(SendClicked{"one too many"});
  auto err = Harness::of<ComposerError>(fx);
  ASSERT_EQ(err.size(), 1u);
  EXPECT_EQ(err[0].code, "outbox_full");
  EXPECT_TRUE(Harness::of<ClearComposer>(fx).empty()) << "the text stays in the composer";
  EXPECT_EQ(h.client.delivery().outbox().size(), Outbox::kMaxMessages);
}

TEST(SessionDelivery, AReloadRestoresThePendingOutboxAndSendsItOnceWithTheSameIds) {
  Harness first(session_config());
  first.feed(NetworkChanged{false});
  first.feed(SendClicked{"remember me"});
  const std::string mid = first.all_of<UserMessageShown>()[0].message_id;
  auto persisted = first.all_of<Persist>();
  ASSERT_FALSE(persisted.empty());
  auto saved = nlohmann::json::parse(persisted.back().value);
  Config c = session_config();
  c.outbox_json = saved["outbox"].dump();
  c.resume_token = saved["resume_token"].get<std::string>();
  Harness second(c);
  second.feed(SessionWanted{});
  ASSERT_EQ(second.all_of<UserMessageShown>().size(), 1u);
  EXPECT_EQ(second.all_of<UserMessageShown>()[0].message_id, mid);
  const uint32_t id = last_conn(second);
  second.feed(WsOpened{id});
  second.feed(WsFrame{id, welcome()});
  auto msgs = sent_frames(second, "msg");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_NE(msgs[0].find(mid), std::string::npos);
}

}  // namespace
}  // namespace natter
