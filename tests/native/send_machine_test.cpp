// The text send machine: one submission, one id, one request, one reply,
// whatever the shopper presses and whatever the network does.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace natter {
namespace {

using testing::Harness;
using testing::reply_stream;
using testing::sse;

TEST(SendMachine, EnterSendsOneRequestWithAnIdempotencyKeyAndClearsTheComposer) {
  Harness h;
  auto fx = h.feed(EnterPressed{"do you have PS5 games?"});
  ASSERT_EQ(Harness::of<ConsumeKey>(fx).size(), 1u);
  ASSERT_EQ(Harness::of<ClearComposer>(fx).size(), 1u);
  auto shown = Harness::of<UserMessageShown>(fx);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].text, "do you have PS5 games?");
  auto reqs = Harness::of<HttpRequest>(fx);
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].url, "http://shop.test/api/chat");
  EXPECT_EQ(Harness::header(reqs[0], "Idempotency-Key"), shown[0].message_id);
  EXPECT_NE(reqs[0].body.find("\"message_id\":\"" + shown[0].message_id + "\""), std::string::npos);
  auto states = Harness::of<DeliveryChanged>(fx);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].state, "sending");
}

// The shim carries out effects in order: the fetch starts before the page's
// work for the message (composer, bubble, the shop's listeners, storage),
// which all follows in the same task.
TEST(SendMachine, TheRequestGoesOutBeforeThePageWorkForTheMessage) {
  Harness h;
  auto index_of = [](const std::vector<Effect>& fx, auto pred) {
    for (std::size_t i = 0; i < fx.size(); ++i)
      if (pred(fx[i])) return i;
    return fx.size();
  };
  auto fx = h.feed(EnterPressed{"do you have PS5 games?"});
  ASSERT_GE(fx.size(), 6u);
  EXPECT_TRUE(std::holds_alternative<ConsumeKey>(fx[0])) << "the key is still taken first";
  EXPECT_TRUE(std::holds_alternative<HttpRequest>(fx[1]));
  // What follows keeps its order: the bubble exists before its delivery line.
  const auto shown = index_of(fx, [](const Effect& e) { return std::holds_alternative<UserMessageShown>(e); });
  const auto state = index_of(fx, [](const Effect& e) { return std::holds_alternative<DeliveryChanged>(e); });
  EXPECT_LT(index_of(fx, [](const Effect& e) { return std::holds_alternative<ClearComposer>(e); }), shown);
  EXPECT_LT(shown, state);
  EXPECT_LT(state, fx.size());

  // A click sends the same way (no key to take).
  h.answer(Harness::of<HttpRequest>(fx).at(0).request_id, reply_stream("Yes."));
  fx = h.feed(SendClicked{"and Xbox?"});
  ASSERT_FALSE(fx.empty());
  EXPECT_TRUE(std::holds_alternative<HttpRequest>(fx[0]));
}

TEST(SendMachine, ShiftEnterLeavesTheNewlineToTheBrowserAndSendsNothing) {
  Harness h;
  auto fx = h.feed(EnterPressed{"line one", /*shift=*/true});
  EXPECT_TRUE(fx.empty());
}

TEST(SendMachine, EnterThatConfirmsAnImeCompositionDoesNotSend) {
  Harness h;
  auto fx = h.feed(EnterPressed{"にほんご", false, /*composing=*/true});
  EXPECT_TRUE(fx.empty());
  fx = h.feed(EnterPressed{"にほんご"});  // the next, real Enter sends
  EXPECT_EQ(Harness::of<HttpRequest>(fx).size(), 1u);
}

TEST(SendMachine, BlankTextIsNotSent) {
  Harness h;
  auto fx = h.feed(SendClicked{"  \n\t "});
  EXPECT_TRUE(Harness::of<HttpRequest>(fx).empty());
  EXPECT_TRUE(Harness::of<ClearComposer>(fx).empty());
}

TEST(SendMachine, SurroundingWhitespaceIsTrimmedFromWhatIsSent) {
  Harness h;
  auto fx = h.feed(SendClicked{"\n  hello there  \n"});
  EXPECT_EQ(Harness::of<UserMessageShown>(fx).at(0).text, "hello there");
}

TEST(SendMachine, TextOverTheLimitKeepsItsTextAndShowsAnInlineError) {
  Harness h;
  auto fx = h.feed(EnterPressed{std::string(4001, 'a')});
  EXPECT_TRUE(Harness::of<HttpRequest>(fx).empty());
  EXPECT_TRUE(Harness::of<ClearComposer>(fx).empty());
  auto err = Harness::of<ComposerError>(fx);
  ASSERT_EQ(err.size(), 1u);
  EXPECT_EQ(err[0].code, "too_long");
  EXPECT_NE(err[0].text.find("1 characters over the 4,000-character limit"), std::string::npos);
  // Exactly at the limit is fine, and clears the error.
  fx = h.feed(SendClicked{std::string(4000, 'a')});
  EXPECT_EQ(Harness::of<HttpRequest>(fx).size(), 1u);
  ASSERT_EQ(Harness::of<ComposerError>(fx).size(), 1u);
  EXPECT_EQ(Harness::of<ComposerError>(fx)[0].code, "");
}

TEST(SendMachine, TheLimitCountsCharactersTheWayTheBrowserDoes) {
  Config c = Harness::default_config();
  c.max_text_chars = 4;
  Harness h(c);
  // "éé" is 2 UTF-16 units (4 UTF-8 bytes); an emoji is 2 units.
  EXPECT_EQ(Harness::of<HttpRequest>(h.feed(SendClicked{"ééé"})).size(), 1u);
  Harness h2(c);
  auto fx = h2.feed(SendClicked{"ab\xF0\x9F\x98\x80x"});  // 5 units
  EXPECT_EQ(Harness::of<ComposerError>(fx).size(), 1u);
}

TEST(SendMachine, TheLimitIsConfigurable) {
  Config c = Harness::default_config();
  c.max_text_chars = 10;
  Harness h(c);
  auto fx = h.feed(SendClicked{"eleven char"});
  EXPECT_EQ(Harness::of<ComposerError>(fx).size(), 1u);
}

TEST(SendMachine, TheOverLimitErrorClearsOnceTheTextFitsAgain) {
  Harness h;
  h.feed(SendClicked{std::string(4100, 'a')});
  auto fx = h.feed(ComposerChanged{4050});
  EXPECT_TRUE(Harness::of<ComposerError>(fx).empty());
  fx = h.feed(ComposerChanged{3999});
  ASSERT_EQ(Harness::of<ComposerError>(fx).size(), 1u);
  EXPECT_TRUE(Harness::of<ComposerError>(fx)[0].text.empty());
}

TEST(SendMachine, TriggersWhileSendingAreDroppedCountedAndLogged) {
  Harness h;
  h.feed(EnterPressed{"hi"});
  auto fx = h.feed(SendClicked{"hi"});
  EXPECT_TRUE(Harness::of<HttpRequest>(fx).empty());
  EXPECT_EQ(h.count_logs("send blocked: already sending"), 1u);
  h.feed(EnterPressed{"hi", false, false, /*repeat=*/true});
  h.feed(HostSend{"hi"});
  EXPECT_EQ(h.client.stats().blocked_sends, 3u);
  EXPECT_EQ(h.requests().size(), 1u);
  auto blocked = h.all_of<HostEvent>();
  size_t n = 0;
  for (const auto& e : blocked) n += e.name == "send_blocked";
  EXPECT_EQ(n, 3u);
}

TEST(SendMachine, TheNextMessageGetsAFreshIdOnceTheReplyHasFinished) {
  Harness h;
  h.feed(SendClicked{"first"});
  const uint32_t first = h.last_request().request_id;
  const std::string first_key = Harness::header(h.last_request(), "Idempotency-Key");
  h.answer(first, reply_stream("Hello!"));
  h.feed(SendClicked{"second"});
  ASSERT_EQ(h.requests().size(), 2u);
  EXPECT_NE(Harness::header(h.last_request(), "Idempotency-Key"), first_key);
  EXPECT_EQ(h.client.stats().blocked_sends, 0u);
}

TEST(SendMachine, AStreamedReplyUpdatesOneBubbleAndMarksTheMessageSent) {
  Harness h;
  h.feed(SendClicked{"hello"});
  const auto req = h.last_request();
  auto fx = h.feed(HttpResponded{req.request_id, 200, -1});
  ASSERT_EQ(Harness::of<DeliveryChanged>(fx).size(), 1u);
  EXPECT_EQ(Harness::of<DeliveryChanged>(fx)[0].state, "sent");
  h.feed(HttpBody{req.request_id, sse("delta", R"({"text":"Hi "})")});
  h.now += ReplyAssembler::kRedrawMs;  // a delta a redraw window later is drawn at once
  h.feed(HttpBody{req.request_id, sse("delta", R"({"text":"**there**"})") + "event: do"});
  fx = h.feed(HttpBody{req.request_id, "ne\ndata: {}\n\n"});
  auto updates = h.all_of<AgentReplyUpdated>();
  ASSERT_EQ(updates.size(), 3u);
  for (const auto& u : updates) EXPECT_EQ(u.reply_to, Harness::header(req, "Idempotency-Key"));
  EXPECT_FALSE(updates[1].done);
  EXPECT_TRUE(updates[2].done);
  ASSERT_EQ(updates[2].content.blocks.size(), 1u);
  const Line& line = updates[2].content.blocks[0].lines.at(0);
  ASSERT_EQ(line.size(), 2u);
  EXPECT_EQ(line[0].text, "Hi ");
  EXPECT_TRUE(line[1].bold);
  EXPECT_EQ(h.client.next_deadline(), std::nullopt) << "no timer outlives a finished reply";
}

TEST(SendMachine, ASecondStatusForOneRequestChangesNothingAndTheReplyStreamsOn) {
  for (int second : {200, 401, 503, 404}) {
    Harness h;
    h.feed(SendClicked{"hello"});
    const auto req = h.last_request();
    h.feed(HttpResponded{req.request_id, 200, -1});
    h.feed(HttpBody{req.request_id, sse("delta", R"({"text":"Hi "})")});
    const std::size_t requests = h.requests().size();
    auto fx = h.feed(HttpResponded{req.request_id, second, -1});
    EXPECT_TRUE(Harness::of<HttpAbort>(fx).empty()) << second;
    EXPECT_TRUE(Harness::of<DeliveryChanged>(fx).empty()) << second;
    EXPECT_EQ(h.requests().size(), requests) << second << ": nothing re-sent";
    EXPECT_EQ(h.client.stats().protocol_errors, 1u) << second;
    h.feed(HttpBody{req.request_id, sse("delta", R"({"text":"there"})") + sse("done", "{}")});
    auto updates = h.all_of<AgentReplyUpdated>();
    ASSERT_FALSE(updates.empty()) << second;
    EXPECT_TRUE(updates.back().done) << second;
    ASSERT_EQ(updates.back().content.blocks.size(), 1u) << second;
    EXPECT_EQ(updates.back().content.blocks[0].lines.at(0).at(0).text, "Hi there") << second << ": not restarted";
    EXPECT_EQ(h.client.stats().illegal_transitions, 0u) << second;
  }
}

TEST(SendMachine, ANetworkFailureIsRetriedWithTheSameIdempotencyKey) {
  Harness h;
  h.feed(SendClicked{"hello"});
  const auto first = h.last_request();
  auto fx = h.feed(HttpFailed{first.request_id, "TypeError: Failed to fetch"});
  EXPECT_EQ(Harness::of<DeliveryChanged>(fx).at(0).state, "retrying");
  ASSERT_TRUE(h.client.next_deadline().has_value());
  EXPECT_LE(*h.client.next_deadline() - h.now, 250) << "the first retry comes quickly";
  ASSERT_TRUE(h.advance_to_deadline());
  ASSERT_EQ(h.requests().size(), 2u);
  const auto second = h.last_request();
  EXPECT_NE(second.request_id, first.request_id);
  EXPECT_EQ(Harness::header(second, "Idempotency-Key"), Harness::header(first, "Idempotency-Key"));
  EXPECT_EQ(second.body, first.body);
  h.answer(second.request_id, reply_stream("ok"));
  EXPECT_EQ(h.all_of<UserMessageShown>().size(), 1u);
}

TEST(SendMachine, RetryAfterFromA503IsHonouredButCappedAtAMinute) {
  Harness h;
  h.feed(SendClicked{"hello"});
  h.feed(HttpResponded{h.last_request().request_id, 503, 5000});
  EXPECT_GE(*h.client.next_deadline() - h.now, 5000);
  h.advance_to_deadline();
  h.feed(HttpResponded{h.last_request().request_id, 429, 3600000});
  EXPECT_EQ(*h.client.next_deadline() - h.now, 60000);
}

TEST(SendMachine, AReplyCutMidStreamIsReplayedIntoTheSameBubbleWithoutDuplicateCards) {
  Harness h;
  h.feed(SendClicked{"ps5 games"});
  const auto first = h.last_request();
  const std::string card = R"({"id":"p1","name":"Game","price":"59.99","currency":"GBP","url":"https://shop.example/p1"})";
  h.feed(HttpResponded{first.request_id, 200, -1});
  h.feed(HttpBody{first.request_id, sse("delta", R"({"text":"Here are"})") + sse("card", "{\"product\":" + card + "}")});
  h.feed(HttpEnded{first.request_id});  // no `done`: cut
  h.advance_to_deadline();
  const auto second = h.last_request();
  ASSERT_NE(second.request_id, first.request_id);
  h.answer(second.request_id, reply_stream("Here are some", card));
  EXPECT_EQ(h.all_of<ProductCardShown>().size(), 1u);
  auto last = h.all_of<AgentReplyUpdated>().back();
  EXPECT_TRUE(last.done);
  EXPECT_EQ(last.content.blocks.at(0).lines.at(0).at(0).text, "Here are some");
  EXPECT_EQ(h.all_of<DeliveryChanged>().back().state, "sent");
}

TEST(SendMachine, EventsAboutAnAbandonedRequestAreIgnored) {
  Harness h;
  h.feed(SendClicked{"hello"});
  const auto first = h.last_request();
  h.feed(HttpFailed{first.request_id, "reset"});
  h.advance_to_deadline();
  const size_t before = h.all.size();
  h.feed(HttpResponded{first.request_id, 200, -1});
  h.feed(HttpBody{first.request_id, reply_stream("stale")});
  h.feed(HttpEnded{first.request_id});
  EXPECT_EQ(h.all.size(), before) << "a late answer to the old request changed something";
}

TEST(SendMachine, AClientErrorFailsAtOnceAndRetryReusesTheSameId) {
  Harness h;
  h.feed(SendClicked{"hello"});
  const auto first = h.last_request();
  auto fx = h.feed(HttpResponded{first.request_id, 400, -1});
  auto st = Harness::of<DeliveryChanged>(fx);
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].state, "failed");
  EXPECT_TRUE(st[0].can_retry);
  EXPECT_FALSE(st[0].detail.empty());
  EXPECT_EQ(st[0].reason, "unreadable") << "a stable code the host can translate";
  EXPECT_EQ(h.client.next_deadline(), std::nullopt) << "no automatic retry of a 4xx";
  // The lock is released: a new message can go out.
  h.feed(RetryClicked{st[0].message_id});
  EXPECT_EQ(Harness::header(h.last_request(), "Idempotency-Key"), Harness::header(first, "Idempotency-Key"));
  EXPECT_EQ(h.requests().size(), 2u);
}

TEST(SendMachine, AutomaticRetriesStopAfterTheLimitAndLeaveARetryControl) {
  Harness h;
  h.feed(SendClicked{"hello"});
  for (int i = 0; i < 4; ++i) {
    h.feed(HttpFailed{h.last_request().request_id, "refused"});
    h.advance_to_deadline();
  }
  EXPECT_EQ(h.requests().size(), 4u) << "1 attempt + 3 automatic retries";
  auto last = h.all_of<DeliveryChanged>().back();
  EXPECT_EQ(last.state, "failed");
  EXPECT_EQ(last.reason, "unreachable");
  EXPECT_TRUE(last.can_retry);
  EXPECT_FALSE(h.client.next_deadline().has_value());
  h.feed(RetryClicked{last.message_id});
  EXPECT_EQ(h.requests().size(), 5u);
  EXPECT_EQ(Harness::header(h.requests()[4], "Idempotency-Key"), last.message_id);
}

TEST(SendMachine, RetryOfAMessageThatNeverFailedDoesNothing) {
  Harness h;
  auto fx = h.feed(RetryClicked{"not-a-message"});
  EXPECT_TRUE(Harness::of<HttpRequest>(fx).empty());
}

TEST(SendMachine, AServerThatNeverAnswersIsAbandonedAfterTheTimeoutAndRetried) {
  Harness h;
  h.feed(SendClicked{"hello"});
  const auto first = h.last_request();
  h.advance(SendMachine::kResponseTimeoutMs);
  auto aborts = h.all_of<HttpAbort>();
  ASSERT_EQ(aborts.size(), 1u);
  EXPECT_EQ(aborts[0].request_id, first.request_id);
  h.advance_to_deadline();
  EXPECT_EQ(h.requests().size(), 2u);
}

TEST(SendMachine, MalformedAgentEventsAreReportedAndTheReplyCarriesOn) {
  Harness h;
  h.feed(SendClicked{"hello"});
  const auto id = h.last_request().request_id;
  h.feed(HttpResponded{id, 200, -1});
  h.feed(HttpBody{id, sse("delta", R"({"text":)") + sse("bogus", "{}") + sse("delta", R"({"text":7})")});
  h.feed(HttpBody{id, sse("delta", R"({"text":"fine"})") + sse("done", "{}")});
  EXPECT_EQ(h.client.stats().protocol_errors, 3u);
  auto last = h.all_of<AgentReplyUpdated>().back();
  EXPECT_TRUE(last.done);
  EXPECT_EQ(last.content.blocks.at(0).lines.at(0).at(0).text, "fine");
}

TEST(SendMachine, AnAgentErrorEventFailsTheMessageWithRetry) {
  Harness h;
  h.feed(SendClicked{"hello"});
  const auto id = h.last_request().request_id;
  h.feed(HttpResponded{id, 200, -1});
  h.feed(HttpBody{id, sse("error", R"({"code":"agent_down","message":"try later"})")});
  auto last = h.all_of<DeliveryChanged>().back();
  EXPECT_EQ(last.state, "failed");
  EXPECT_TRUE(last.can_retry);
  EXPECT_EQ(last.reason, "agent_failed");
  EXPECT_EQ(last.reason_arg, "try later") << "the agent's own words, quoted by the host";
}

TEST(SendMachine, EveryRefusalNamesItsReasonAndOtherStatusesCarryTheirNumber) {
  const std::pair<int, const char*> cases[] = {
      {400, "unreadable"}, {401, "not_authorised"}, {403, "not_authorised"},
      {413, "too_large"},  {422, "conflict"},       {418, "http_error"}};
  for (const auto& [status, reason] : cases) {
    Harness h;
    h.feed(SendClicked{"hello"});
    h.feed(HttpResponded{h.last_request().request_id, status, -1});
    auto last = h.all_of<DeliveryChanged>().back();
    EXPECT_EQ(last.state, "failed") << status;
    EXPECT_EQ(last.reason, reason) << status;
    EXPECT_EQ(last.reason_arg, std::to_string(status));
  }
}

}  // namespace
}  // namespace natter
