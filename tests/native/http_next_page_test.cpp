// Over HTTP (the default transport) the shop's next page shows the
// conversation the previous page had, cards included, and a message the
// shopper sent just before moving on is not lost: it goes out again with
// its id, so the server replays or joins its reply instead of running the
// agent twice (send_machine.hpp resume_restored, session_delivery.hpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace natter {
namespace {

using testing::Harness;
using testing::reply_stream;

const char* kCard =
    R"({"id":"p1","name":"DualSense","price":"69.99","currency":"GBP","url":"https://shop.test/p/dualsense"})";

// The next page's config, from the natter.session blob the last Persist wrote.
Config next_page(const Harness& h) {
  auto persisted = h.all_of<Persist>();
  EXPECT_FALSE(persisted.empty());
  auto blob = nlohmann::json::parse(persisted.back().value);
  Config c = Harness::default_config();
  c.conversation_id = blob["session_id"].get<std::string>();
  if (blob.contains("outbox")) c.outbox_json = blob["outbox"].dump();
  if (blob.contains("transcript")) c.transcript_json = blob["transcript"].dump();
  c.seed_lo = 0x9999;  // a new page: new ids
  return c;
}

TEST(HttpNextPage, TheAnsweredConversationIsDrawnAgainWithItsCardsAndNothingIsSent) {
  Harness first;
  auto fx = first.feed(EnterPressed{"do you have PS5 controllers?"});
  const auto id = Harness::of<UserMessageShown>(fx).at(0).message_id;
  first.answer(Harness::of<HttpRequest>(fx).at(0).request_id, reply_stream("Yes, the DualSense.", kCard));
  auto blob = nlohmann::json::parse(first.all_of<Persist>().back().value);
  EXPECT_FALSE(blob.contains("resume_token")) << "HTTP has no session to resume";
  EXPECT_EQ(blob["outbox"], nlohmann::json::array()) << "answered: nothing left to send";

  Harness next{next_page(first)};
  fx = next.feed(SessionWanted{});
  auto users = Harness::of<UserMessageShown>(fx);
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].message_id, id);
  EXPECT_EQ(users[0].text, "do you have PS5 controllers?");
  auto replies = Harness::of<AgentReplyUpdated>(fx);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].reply_to, id);
  EXPECT_TRUE(replies[0].done);
  auto cards = Harness::of<ProductCardShown>(fx);
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].url, "https://shop.test/p/dualsense");
  auto states = Harness::of<DeliveryChanged>(fx);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].state, "sent");
  EXPECT_EQ(states[0].receipt, "") << "no delivered receipt over HTTP";
  EXPECT_TRUE(Harness::of<HttpRequest>(fx).empty());
  EXPECT_TRUE(next.feed(SessionWanted{}).empty()) << "drawn once per page";
}

TEST(HttpNextPage, AMessageInFlightWhenTheShopperMovedOnGoesOutAgainWithItsId) {
  Harness first;
  auto fx = first.feed(SendClicked{"is the PS5 in stock?"});
  const auto id = Harness::of<UserMessageShown>(fx).at(0).message_id;
  first.feed(HttpResponded{Harness::of<HttpRequest>(fx).at(0).request_id, 200, -1});  // the page goes mid-reply

  Harness next{next_page(first)};
  fx = next.feed(SessionWanted{});
  auto users = Harness::of<UserMessageShown>(fx);
  ASSERT_EQ(users.size(), 1u) << "shown once, not also as a transcript entry";
  EXPECT_EQ(users[0].message_id, id);
  auto reqs = Harness::of<HttpRequest>(fx);
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(Harness::header(reqs[0], "Idempotency-Key"), id) << "the same id: the server replays its reply";
  EXPECT_EQ(Harness::of<DeliveryChanged>(fx).at(0).state, "sending");
  next.answer(reqs[0].request_id, reply_stream("Yes, 3 left."));
  auto blob = nlohmann::json::parse(next.all_of<Persist>().back().value);
  EXPECT_EQ(blob["outbox"], nlohmann::json::array());
  EXPECT_EQ(blob["transcript"].size(), 2u);
  EXPECT_TRUE(next.feed(SendClicked{"and the Switch?"}).size() > 0);
  EXPECT_EQ(next.all_of<HttpRequest>().size(), 2u) << "the next message sends as usual";
}

TEST(HttpNextPage, AMessageThatFailedThereWaitsForRetryAndRetryKeepsItsId) {
  Harness first;
  auto fx = first.feed(SendClicked{"hello?"});
  const auto failed_id = Harness::of<UserMessageShown>(fx).at(0).message_id;
  first.feed(HttpResponded{Harness::of<HttpRequest>(fx).at(0).request_id, 400, -1});  // a 4xx fails at once
  fx = first.feed(SendClicked{"anyone there?"});
  const auto newest = Harness::of<UserMessageShown>(fx).at(0).message_id;

  Harness next{next_page(first)};
  fx = next.feed(SessionWanted{});
  auto states = Harness::of<DeliveryChanged>(fx);
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].message_id, failed_id);
  EXPECT_EQ(states[0].state, "failed");
  EXPECT_EQ(states[0].reason, "not_sent");
  EXPECT_TRUE(states[0].can_retry);
  EXPECT_EQ(states[1].message_id, newest);
  EXPECT_EQ(states[1].state, "sending");
  auto reqs = Harness::of<HttpRequest>(fx);
  ASSERT_EQ(reqs.size(), 1u) << "only the newest goes out by itself";
  next.answer(reqs[0].request_id, reply_stream("Hi!"));
  fx = next.feed(RetryClicked{failed_id});
  reqs = Harness::of<HttpRequest>(fx);
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(Harness::header(reqs[0], "Idempotency-Key"), failed_id);
}

TEST(HttpNextPage, AHostSendBeforeTheConversationIsDrawnLeavesTheRestoredOneForRetry) {
  Harness first;
  first.feed(SendClicked{"is the PS5 in stock?"});
  Harness next{next_page(first)};
  next.feed(HostSend{"a queued natter('send')"});
  auto fx = next.feed(SessionWanted{});
  auto states = Harness::of<DeliveryChanged>(fx);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].state, "failed") << "one send at a time: Retry, no refused transition";
  EXPECT_TRUE(Harness::of<HttpRequest>(fx).empty());
  EXPECT_EQ(next.client.stats().illegal_transitions, 0u);
}

}  // namespace
}  // namespace natter
