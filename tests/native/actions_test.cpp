// Actions in the page (chat/actions.hpp): a proposal from the agent's reply
// becomes a card; Confirm asks the gateway once; "run" runs the page's
// handler once; its result is reported; a double tap, a replay, a decline
// or a reload never runs it twice or loses it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace natter {
namespace {

using nlohmann::json;
using testing::Harness;
using testing::sse;

const char* kId = "act_AAAAAAAAAAAAAAAAAAAAAA";

std::string action_event(const std::string& id = kId, bool confirm = true) {
  return sse("action", R"({"id":")" + id + R"(","name":"add_to_cart","args":{"product_id":"sku-astro","quantity":1},"confirm":)" +
                           (confirm ? "true" : "false") +
                           R"J(,"summary":{"title":"Astro Bot (PS5)","variant":"Standard edition","quantity":1,"price":"49.99","currency":"gbp","image_url":"https://shop.test/a.png"}})J");
}

// The shopper asks; the agent answers with `extra` events between the text and done.
void asked(Harness& h, const std::string& extra) {
  h.feed(SendClicked{"add it to my basket"});
  h.answer(h.last_request().request_id,
           sse("start", R"({"reply_id":"r-1"})") + sse("delta", R"({"text":"Shall I?"})") + extra + sse("done", "{}"));
}

bool is_action_post(const HttpRequest& r) { return r.url == "http://shop.test/api/action"; }
bool is_result_post(const HttpRequest& r) { return r.url == "http://shop.test/api/action/result"; }

std::vector<HttpRequest> posts(const Harness& h, bool (*which)(const HttpRequest&)) {
  std::vector<HttpRequest> out;
  for (const auto& r : h.requests())
    if (which(r)) out.push_back(r);
  return out;
}

void reply(Harness& h, uint32_t id, int status, const std::string& body) {
  h.feed(HttpResponded{id, status, -1});
  h.feed(HttpBody{id, body});
  h.feed(HttpEnded{id});
}

TEST(Actions, AProposalDrawsOneCardWithItsCheckedSummary) {
  Harness h;
  asked(h, action_event());
  const auto cards = h.all_of<ActionProposed>();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].action_id, kId);
  EXPECT_EQ(cards[0].name, "add_to_cart");
  EXPECT_TRUE(cards[0].confirm);
  EXPECT_EQ(cards[0].title, "Astro Bot (PS5)");
  EXPECT_EQ(cards[0].variant, "Standard edition");
  EXPECT_EQ(cards[0].quantity, 1);
  EXPECT_EQ(cards[0].price, "49.99");
  EXPECT_EQ(cards[0].currency, "GBP");
  EXPECT_TRUE(posts(h, is_action_post).empty()) << "nothing is sent before the shopper confirms";
}

TEST(Actions, ConfirmAsksTheGatewayOnceAndADoubleTapSendsNothingMore) {
  Harness h;
  asked(h, action_event());
  h.feed(ActionConfirmed{kId});
  h.feed(ActionConfirmed{kId});
  const auto asks = posts(h, is_action_post);
  ASSERT_EQ(asks.size(), 1u);
  const json body = json::parse(asks[0].body);
  EXPECT_EQ(body["action_id"], kId);
  EXPECT_EQ(body["name"], "add_to_cart");
  EXPECT_EQ(body["args"]["product_id"], "sku-astro");
  EXPECT_EQ(body["conversation_id"], h.client.conversation_id());
  EXPECT_EQ(body["conversation_key"].get<std::string>().size(), 48u);
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Confirming);
}

TEST(Actions, RunRunsTheHandlerOnceAndItsResultIsReportedWithTheFence) {
  Harness h;
  asked(h, action_event());
  h.feed(ActionConfirmed{kId});
  reply(h, posts(h, is_action_post)[0].request_id, 200, R"({"outcome":"run","fence":7,"retry":false})");
  ASSERT_EQ(h.all_of<RunAction>().size(), 1u);
  EXPECT_EQ(h.all_of<RunAction>()[0].args_json, R"({"product_id":"sku-astro","quantity":1})");
  EXPECT_FALSE(h.all_of<RunAction>()[0].retry);
  h.feed(ActionConfirmed{kId});  // a tap while running
  h.feed(ActionRan{kId, true, "Added to basket", R"({"cart_count":2})"});
  h.feed(ActionRan{kId, true, "again", ""});  // a second result is not ours to send
  const auto results = posts(h, is_result_post);
  ASSERT_EQ(results.size(), 1u);
  const json body = json::parse(results[0].body);
  EXPECT_EQ(body["fence"], 7);
  EXPECT_EQ(body["result"]["ok"], true);
  EXPECT_EQ(body["result"]["message"], "Added to basket");
  EXPECT_EQ(body["result"]["data"]["cart_count"], 2);
  reply(h, results[0].request_id, 200, R"({"outcome":"recorded"})");
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Done);
  EXPECT_EQ(h.all_of<ActionChanged>().back().state, "done");
  EXPECT_EQ(h.all_of<ActionChanged>().back().message, "Added to basket");
  EXPECT_EQ(h.all_of<RunAction>().size(), 1u);
  EXPECT_EQ(posts(h, is_action_post).size(), 1u);
}

TEST(Actions, NotNowSendsNothingAndALaterConfirmIsIgnored) {
  Harness h;
  asked(h, action_event());
  h.feed(ActionDeclined{kId});
  h.feed(ActionConfirmed{kId});
  EXPECT_TRUE(posts(h, is_action_post).empty());
  EXPECT_EQ(h.all_of<ActionChanged>().back().state, "declined");
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Declined);
}

TEST(Actions, RunningElsewhereIsAskedAgainAfterBackOffAndDoneShowsTheResult) {
  Harness h;
  asked(h, action_event());
  h.feed(ActionConfirmed{kId});
  reply(h, posts(h, is_action_post)[0].request_id, 200, R"({"outcome":"running"})");
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Waiting);
  const int64_t before = h.now;
  ASSERT_TRUE(h.advance_to_deadline());
  EXPECT_EQ(h.now - before, ActionKeeper::kFirstWaitMs);
  ASSERT_EQ(posts(h, is_action_post).size(), 2u);
  reply(h, posts(h, is_action_post)[1].request_id, 200, R"({"outcome":"done","result":{"ok":true,"message":"Added"}})");
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Done);
  EXPECT_TRUE(h.all_of<RunAction>().empty()) << "another page ran it";
  EXPECT_EQ(h.all_of<ActionChanged>().back().message, "Added");
}

TEST(Actions, ANetworkFailureAsksAgainAndARefusalFailsForGood) {
  Harness h;
  asked(h, action_event());
  h.feed(ActionConfirmed{kId});
  h.feed(HttpFailed{posts(h, is_action_post)[0].request_id, "network"});
  ASSERT_TRUE(h.advance_to_deadline());
  ASSERT_EQ(posts(h, is_action_post).size(), 2u);
  reply(h, posts(h, is_action_post)[1].request_id, 404, R"({"error":{"code":"unknown_action","message":"x"}})");
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Failed);
  EXPECT_FALSE(h.advance_to_deadline()) << "nothing more is asked";
  EXPECT_TRUE(h.all_of<RunAction>().empty());
}

TEST(Actions, AReplayedProposalDrawsNothingNewAndASecondActionInAReplyIsDropped) {
  Harness h;
  asked(h, action_event() + action_event("act_BBBBBBBBBBBBBBBBBBBBBB"));
  EXPECT_EQ(h.all_of<ActionProposed>().size(), 1u);
  EXPECT_EQ(h.count_logs("dropped an agent action: one per reply, before done"), 1u);
  asked(h, action_event());  // the same id in another reply: a replay
  EXPECT_EQ(h.all_of<ActionProposed>().size(), 1u);
}

TEST(Actions, AProposalThatFailsACheckIsDroppedWithOneLogLine) {
  Harness h;
  asked(h, sse("action", R"({"id":"short","name":"add_to_cart","args":{},"confirm":true,"summary":{"title":"x"}})") );
  asked(h, sse("action", R"({"id":"act_CCCCCCCCCCCCCCCCCCCCCC","name":"add_to_cart","args":{},"confirm":true})"));
  asked(h, sse("action", R"({"id":"act_DDDDDDDDDDDDDDDDDDDDDD","name":"add_to_cart","args":{},"confirm":true,"summary":{"title":"x","image_url":"http://shop.test/a.png"}})"));
  asked(h, sse("action", R"({"id":"act_EEEEEEEEEEEEEEEEEEEEEE","name":"add_to_cart","args":{"a":{"b":{"c":{"d":{}}}}},"confirm":false})"));
  EXPECT_TRUE(h.all_of<ActionProposed>().empty());
  EXPECT_EQ(h.count_logs("dropped an agent action: id must match [A-Za-z0-9_-]{8,64}"), 1u);
  EXPECT_EQ(h.count_logs("dropped an agent action: summary is required when confirm is true"), 1u);
  EXPECT_EQ(h.count_logs("dropped an agent action: summary.image_url must be an https link"), 1u);
  EXPECT_EQ(h.count_logs("dropped an agent action: args are nested deeper than 4 levels"), 1u);
}

TEST(Actions, AnUnconfirmedActionStillGoesThroughTheGatewayOnce) {
  Harness h;
  asked(h, action_event(kId, false));
  ASSERT_EQ(posts(h, is_action_post).size(), 1u);
  EXPECT_FALSE(h.all_of<ActionProposed>()[0].confirm);
  h.feed(ActionConfirmed{kId});
  EXPECT_EQ(posts(h, is_action_post).size(), 1u);
}

TEST(Actions, AHandlerThatNeverAnswersFailsAfterThirtySeconds) {
  Harness h;
  asked(h, action_event());
  h.feed(ActionConfirmed{kId});
  reply(h, posts(h, is_action_post)[0].request_id, 200, R"({"outcome":"run","fence":1,"retry":false})");
  const int64_t started = h.now;
  ASSERT_TRUE(h.advance_to_deadline());
  EXPECT_EQ(h.now - started, ActionKeeper::kHandlerTimeoutMs);
  ASSERT_EQ(posts(h, is_result_post).size(), 1u);
  EXPECT_EQ(json::parse(posts(h, is_result_post)[0].body)["result"]["ok"], false);
  h.feed(ActionRan{kId, true, "late", ""});  // too late: the report is on its way
  EXPECT_EQ(posts(h, is_result_post).size(), 1u);
}

TEST(Actions, NotHolderAsksAgainForTheFinalResult) {
  Harness h;
  asked(h, action_event());
  h.feed(ActionConfirmed{kId});
  reply(h, posts(h, is_action_post)[0].request_id, 200, R"({"outcome":"run","fence":1,"retry":false})");
  h.feed(ActionRan{kId, true, "", ""});
  reply(h, posts(h, is_result_post)[0].request_id, 409, R"({"error":{"code":"not_holder","message":"x"}})");
  ASSERT_EQ(posts(h, is_action_post).size(), 2u);
  reply(h, posts(h, is_action_post)[1].request_id, 200, R"({"outcome":"done","result":{"ok":true,"message":"Added"}})");
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Done);
  EXPECT_EQ(h.all_of<RunAction>().size(), 1u);
}

// The blob the core persisted last.
std::string last_blob(const Harness& h) { return h.all_of<Persist>().back().value; }

TEST(Actions, AConfirmedActionSurvivesAReloadAndIsAskedAgainNeverRunTwice) {
  Harness h;
  asked(h, action_event());
  h.feed(ActionConfirmed{kId});
  reply(h, posts(h, is_action_post)[0].request_id, 200, R"({"outcome":"run","fence":3,"retry":false})");
  const json blob = json::parse(last_blob(h));
  ASSERT_TRUE(blob.contains("actions"));
  EXPECT_EQ(blob["actions"][0]["id"], kId);
  // The page is reloaded while the handler runs.
  Config config = Harness::default_config();
  config.conversation_id = h.client.conversation_id();
  config.actions_json = blob["actions"].dump();
  Harness after(config);
  after.feed(SessionWanted{});
  ASSERT_EQ(posts(after, is_action_post).size(), 1u);
  EXPECT_TRUE(after.all_of<RunAction>().empty()) << "not run before the gateway says so";
  reply(after, posts(after, is_action_post)[0].request_id, 200, R"({"outcome":"run","fence":4,"retry":true})");
  ASSERT_EQ(after.all_of<RunAction>().size(), 1u);
  EXPECT_TRUE(after.all_of<RunAction>()[0].retry);
  after.feed(ActionRan{kId, true, "Added", ""});
  reply(after, posts(after, is_result_post)[0].request_id, 200, R"({"outcome":"recorded"})");
  EXPECT_FALSE(json::parse(last_blob(after)).contains("actions")) << "reported: no longer kept";
}

TEST(Actions, AResultNotYetReportedIsReportedAgainAfterAReloadNotRunAgain) {
  Harness h;
  asked(h, action_event());
  h.feed(ActionConfirmed{kId});
  reply(h, posts(h, is_action_post)[0].request_id, 200, R"({"outcome":"run","fence":5,"retry":false})");
  h.feed(ActionRan{kId, false, "Out of stock", ""});
  const json blob = json::parse(last_blob(h));
  ASSERT_TRUE(blob["actions"][0].contains("result"));
  Config config = Harness::default_config();
  config.actions_json = blob["actions"].dump();
  Harness after(config);
  after.feed(SessionWanted{});
  EXPECT_TRUE(posts(after, is_action_post).empty());
  ASSERT_EQ(posts(after, is_result_post).size(), 1u);
  const json body = json::parse(posts(after, is_result_post)[0].body);
  EXPECT_EQ(body["fence"], 5);
  EXPECT_EQ(body["result"]["message"], "Out of stock");
  EXPECT_TRUE(after.all_of<RunAction>().empty());
}

TEST(Actions, MalformedKeptActionsAreDroppedWithALogLine) {
  Config config = Harness::default_config();
  config.actions_json = R"([{"id":"x","name":"add_to_cart","args":{}},{"id":"act_AAAAAAAAAAAAAAAAAAAAAA","name":"Bad Name","args":{}}])";
  Harness h(config);
  h.feed(SessionWanted{});
  EXPECT_EQ(h.count_logs("dropped malformed kept actions"), 1u);
  EXPECT_TRUE(h.requests().empty());
}

}  // namespace
}  // namespace natter
