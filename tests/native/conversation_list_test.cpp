// The shopper's conversations (conversation_list.hpp), as a pure unit: new,
// switch, the bound, titles, the stored index's round trip and what an
// unreadable index falls back to.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "chat/conversation_list.hpp"

namespace natter {
namespace {

std::vector<std::string> ids(const ConversationList& l) {
  std::vector<std::string> v;
  for (const auto& e : l.entries()) v.push_back(e.id);
  return v;
}

TEST(ConversationList, ABootWithoutIndexListsTheCurrentConversation) {
  ConversationList l;
  EXPECT_EQ(l.restore("", "conv-a"), "");
  EXPECT_EQ(l.current(), "conv-a");
  EXPECT_EQ(ids(l), (std::vector<std::string>{"conv-a"}));
}

TEST(ConversationList, NewBecomesCurrentAndFirstAndSwitchGoesBack) {
  ConversationList l;
  l.restore("", "conv-a");
  l.touch("conv-a", "do you have PS5 games?", 1000);
  EXPECT_TRUE(l.start("conv-b", 2000).empty());
  EXPECT_EQ(l.current(), "conv-b");
  EXPECT_EQ(ids(l), (std::vector<std::string>{"conv-b", "conv-a"}));
  EXPECT_TRUE(l.switch_to("conv-a"));
  EXPECT_EQ(l.current(), "conv-a");
  // Switching does not reorder: only activity does.
  EXPECT_EQ(ids(l), (std::vector<std::string>{"conv-b", "conv-a"}));
  EXPECT_FALSE(l.switch_to("conv-a"));        // already current
  EXPECT_FALSE(l.switch_to("conv-unknown"));  // not in the list
  EXPECT_EQ(l.current(), "conv-a");
}

TEST(ConversationList, TheFirstMessageNamesAConversationAndActivityMovesItUp) {
  ConversationList l;
  l.restore("", "conv-a");
  l.start("conv-b", 2000);
  l.touch("conv-a", "  where is\n my   order? ", 3000);
  l.touch("conv-a", "a later message does not rename it", 4000);
  EXPECT_EQ(ids(l), (std::vector<std::string>{"conv-a", "conv-b"}));
  EXPECT_EQ(l.entries()[0].title, "where is my order?");
  EXPECT_EQ(l.entries()[0].last_ms, 4000);
  EXPECT_EQ(l.entries()[1].title, "");
}

TEST(ConversationList, TitlesAreBoundedAtACharacterBoundary) {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "\xC3\xA9";  // é, 2 bytes each
  const std::string t = ConversationList::title_from(text);
  EXPECT_LE(t.size(), ConversationList::kMaxTitleBytes + 3);
  EXPECT_EQ(t.substr(t.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ((t.size() - 3) % 2, 0u);  // whole characters only
}

TEST(ConversationList, AtMostTenTheOldestActivityIsForgotten) {
  ConversationList l;
  l.restore("", "conv-0");
  l.touch("conv-0", "first", 100);
  for (int i = 1; i < 10; ++i) EXPECT_TRUE(l.start("conv-" + std::to_string(i), 100 + i).empty());
  l.touch("conv-0", "again", 500);  // the first one is busy again: not the oldest any more
  ASSERT_EQ(l.entries().size(), 10u);
  const auto forgotten = l.start("conv-10", 600);
  EXPECT_EQ(forgotten, (std::vector<std::string>{"conv-1"}));
  EXPECT_EQ(l.entries().size(), ConversationList::kMaxConversations);
  EXPECT_EQ(l.current(), "conv-10");
  EXPECT_EQ(l.entries().front().id, "conv-10");
}

TEST(ConversationList, TheIndexRoundTrips) {
  ConversationList l;
  l.restore("", "conv-a");
  l.touch("conv-a", "hello", 1000);
  l.start("conv-b", 2000);
  l.touch("conv-b", "second", 3000);
  l.switch_to("conv-a");
  ConversationList back;
  EXPECT_EQ(back.restore(l.to_json(), "conv-a"), "");
  EXPECT_EQ(back.to_json(), l.to_json());
  EXPECT_EQ(back.entries()[0].title, "second");
  EXPECT_EQ(back.entries()[1].title, "hello");
}

TEST(ConversationList, AnUnreadableIndexFallsBackToTheCurrentConversationAndSaysSo) {
  for (const char* bad : {"not json", "[]", "{\"items\": 3}", "null", "{\"v\":1}"}) {
    ConversationList l;
    const std::string why = l.restore(bad, "conv-a");
    EXPECT_NE(why.find("unreadable"), std::string::npos) << bad;
    EXPECT_EQ(ids(l), (std::vector<std::string>{"conv-a"})) << bad;
    EXPECT_EQ(l.current(), "conv-a") << bad;
  }
}

TEST(ConversationList, BadEntriesAreDroppedTheRestKept) {
  const std::string stored = R"({"v":1,"current":"conv-a","items":[
    {"id":"conv-b","title":"kept","last_ms":5},
    {"id":"../etc","title":"bad id"},
    {"id":"conv-c","title":7},
    {"id":"conv-b","title":"duplicate"},
    {"id":"conv-d","last_ms":-1},
    "nonsense"]})";
  ConversationList l;
  const std::string why = l.restore(stored, "conv-a");
  EXPECT_NE(why.find("5 unusable"), std::string::npos) << why;
  // The current one is added when missing: its blob is still there.
  EXPECT_EQ(ids(l), (std::vector<std::string>{"conv-a", "conv-b"}));
  EXPECT_EQ(l.entries()[1].title, "kept");
}

TEST(ConversationList, AStoredListLongerThanTheBoundKeepsTen) {
  nlohmann::json items = nlohmann::json::array();
  for (int i = 0; i < 15; ++i) items.push_back({{"id", "conv-" + std::to_string(i)}, {"last_ms", 100 - i}});
  ConversationList l;
  l.restore(nlohmann::json{{"items", items}}.dump(), "conv-3");
  EXPECT_EQ(l.entries().size(), ConversationList::kMaxConversations);
  EXPECT_EQ(l.current(), "conv-3");
}

TEST(ConversationList, RenameFollowsTheServersId) {
  ConversationList l;
  l.restore("", "conv-a");
  l.start("conv-b", 10);
  l.rename("conv-b", "conv-z");
  EXPECT_EQ(l.current(), "conv-z");
  EXPECT_EQ(ids(l), (std::vector<std::string>{"conv-z", "conv-a"}));
}

}  // namespace
}  // namespace natter
