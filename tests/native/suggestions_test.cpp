// The agent's reply chips and link buttons: each item is checked on its own
// (count, length, https), shown once per reply, and a tap is an ordinary
// message with its own id that leaves the shopper's draft alone.
#include <gtest/gtest.h>

#include <string>

#include "chat/agent_protocol.hpp"
#include "harness.hpp"

namespace natter {
namespace {

using testing::Harness;
using testing::sse;

AgentSuggestions decoded(const std::string& data) {
  const DecodedAgentEvent d = decode_agent_event("suggestions", data);
  const auto* ev = std::get_if<AgentEvent>(&d);
  EXPECT_NE(ev, nullptr) << "refused";
  const auto* s = ev ? std::get_if<AgentSuggestions>(ev) : nullptr;
  EXPECT_NE(s, nullptr);
  return s ? *s : AgentSuggestions{};
}

TEST(Suggestions, KeepsAtMostFourShortDistinctRepliesAndDropsTheRest) {
  const std::string too_long(kMaxSuggestionUnits + 1, 'x');
  const auto s = decoded(R"({"replies": ["Size 9", "  Size 10\n", "", "Size 9", 7, ")" + too_long +
                         R"(", "Yes", "No", "Maybe"]})");
  EXPECT_EQ(s.replies, (std::vector<std::string>{"Size 9", "Size 10", "Yes", "No"}));
  EXPECT_EQ(s.dropped, 5u);  // blank, duplicate, a number, too long, the fifth
  EXPECT_TRUE(s.links.empty());
}

TEST(Suggestions, KeepsHttpsLinksOnlyAtMostTwo) {
  const auto s = decoded(R"J({"links": [
      {"text": "Size guide", "url": "https://shop.example/sizes"},
      {"text": "Plain http", "url": "http://shop.example/x"},
      {"text": "Script", "url": "javascript:alert(1)"},
      {"text": "", "url": "https://shop.example/blank"},
      "https://shop.example/not-an-object",
      {"text": "Returns", "url": "https://shop.example/returns"},
      {"text": "Third", "url": "https://shop.example/third"}]})J");
  ASSERT_EQ(s.links.size(), 2u);
  EXPECT_EQ(s.links[0].text, "Size guide");
  EXPECT_EQ(s.links[0].url, "https://shop.example/sizes");
  EXPECT_EQ(s.links[1].text, "Returns");
  EXPECT_EQ(s.dropped, 5u);
}

TEST(Suggestions, MistypedListsAreDroppedNotTheEventAndNonObjectDataIsRefused) {
  const auto s = decoded(R"({"replies": "Yes", "links": {"text": "x"}})");
  EXPECT_TRUE(s.replies.empty());
  EXPECT_EQ(s.dropped, 2u);
  const DecodedAgentEvent bad = decode_agent_event("suggestions", "[1]");
  ASSERT_TRUE(std::holds_alternative<ProtocolError>(bad));
  EXPECT_EQ(std::get<ProtocolError>(bad).code, "wrong_type");
}

std::string with_suggestions(const std::string& suggestions) {
  return sse("start", R"({"reply_id":"r1"})") + sse("delta", R"({"text":"Which size?"})") +
         sse("suggestions", suggestions) + sse("done", "{}");
}

TEST(Suggestions, AReplyShowsItsSuggestionsOnceEvenWhenReplayed) {
  Harness h;
  h.feed(SendClicked{"trainers"});
  const auto id = h.requests().at(0).request_id;
  // The stream is cut before done: the client retries and the server replays it whole.
  h.feed(HttpResponded{id, 200, -1});
  h.feed(HttpBody{id, sse("start", R"({"reply_id":"r1"})") + sse("suggestions", R"({"replies":["Size 9"]})")});
  h.feed(HttpEnded{id});
  h.advance_to_deadline();
  ASSERT_EQ(h.requests().size(), 2u);
  h.answer(h.requests().at(1).request_id, with_suggestions(R"({"replies":["Size 9"], "links":[{"text":"Guide","url":"https://s.example/g"}]})"));
  const auto shown = h.all_of<SuggestionsShown>();
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].reply_to, h.all_of<UserMessageShown>().at(0).message_id);
  EXPECT_EQ(shown[0].replies, (std::vector<std::string>{"Size 9"}));
  EXPECT_TRUE(shown[0].links.empty());  // the first (cut) stream's event is the one shown
}

TEST(Suggestions, NothingLeftAfterTheChecksShowsNothingAndIsLogged) {
  Harness h;
  h.feed(SendClicked{"hi"});
  h.answer(h.requests().at(0).request_id, with_suggestions(R"({"replies":[""], "links":[{"text":"x","url":"http://a.example"}]})"));
  EXPECT_TRUE(h.all_of<SuggestionsShown>().empty());
  EXPECT_EQ(h.count_logs("dropped 2 agent suggestion(s) that failed the checks"), 1u);
}

TEST(Suggestions, ATapIsAnOrdinaryMessageWithItsOwnIdAndKeepsTheDraft) {
  Harness h;
  h.feed(SendClicked{"trainers"});
  h.answer(h.requests().at(0).request_id, with_suggestions(R"({"replies":["Size 9"]})"));
  h.feed(ComposerChanged{12});  // the shopper had started typing something else
  const auto effects = h.feed(SuggestionTapped{"Size 9"});
  EXPECT_TRUE(Harness::of<ClearComposer>(effects).empty());
  const auto shown = Harness::of<UserMessageShown>(effects);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].text, "Size 9");
  EXPECT_NE(shown[0].message_id, h.all_of<UserMessageShown>().at(0).message_id);
  ASSERT_EQ(h.requests().size(), 2u);
  EXPECT_NE(h.requests().at(1).body.find(R"("text":"Size 9")"), std::string::npos);
  EXPECT_EQ(Harness::header(h.requests().at(1), "Idempotency-Key"), shown[0].message_id);
  // A second tap while it is on its way is blocked, not a second message.
  h.feed(SuggestionTapped{"Size 9"});
  EXPECT_EQ(h.requests().size(), 2u);
}

TEST(Starters, AnEmptyConversationShowsTheShopsStartersAsChipsOfNoReply) {
  Harness h;
  const auto effects = h.feed(HostStarters{R"(["Where is my order?", "Returns", "", 3])"});
  const auto shown = Harness::of<SuggestionsShown>(effects);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].reply_to, "");
  EXPECT_EQ(shown[0].replies, (std::vector<std::string>{"Where is my order?", "Returns"}));
  EXPECT_EQ(h.count_logs("starters: dropped 2 (each is a string of 1 to 40 characters, at most 4)"), 1u);
  // A tap is an ordinary message.
  h.feed(SuggestionTapped{"Returns"});
  ASSERT_EQ(h.requests().size(), 1u);
  EXPECT_NE(h.requests().at(0).body.find(R"("text":"Returns")"), std::string::npos);
}

TEST(Starters, AConversationUnderWayGetsNoStartersAndABadValueIsOneError) {
  Harness h;
  h.feed(SendClicked{"hi"});
  EXPECT_TRUE(Harness::of<SuggestionsShown>(h.feed(HostStarters{R"(["Returns"])"})).empty());
  Harness fresh;
  EXPECT_TRUE(Harness::of<SuggestionsShown>(fresh.feed(HostStarters{R"("Returns")"})).empty());
  EXPECT_TRUE(Harness::of<SuggestionsShown>(fresh.feed(HostStarters{""})).empty());
  EXPECT_EQ(fresh.count_logs("natter('starters', list) needs an array of strings"), 2u);
}

}  // namespace
}  // namespace natter
