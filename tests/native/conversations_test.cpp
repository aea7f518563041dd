// Several conversations per shopper (Config::multiple_conversations, the
// shop's data-conversations="multiple"): the Client keeps the list, persists
// each conversation's blob under its own key and the index beside them, and
// a switch hands the host the conversation to open; that conversation then
// boots from its own blob through the ordinary restore path. Off (the
// default) nothing changes: no list, the one natter.session blob.
#include <gtest/gtest.h>

#include <map>

#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "session_harness.hpp"

namespace natter {
namespace {

using testing::Harness;
using testing::reply_stream;

// The tab's session storage, written by Persist effects as the shim does.
struct Storage {
  std::map<std::string, std::string> kv;
  void take(const Harness& h, std::size_t from = 0) {
    for (std::size_t i = from; i < h.all.size(); ++i)
      if (auto* p = std::get_if<Persist>(&h.all[i])) kv[p->key] = p->value;
  }
  std::string get(const std::string& k) const {
    auto it = kv.find(k);
    return it == kv.end() ? "" : it->second;
  }
};

// A page of the shop booting as shim/config.js builds the config: the
// current conversation's id, its own blob, the index.
Config boot(const Storage& s, uint64_t seed, bool multiple = true) {
  Config c = Harness::default_config();
  c.seed_lo = seed;
  c.wall_now_ms = 1'700'000'000'000;
  c.multiple_conversations = multiple;
  c.conversation_id = s.get(Client::kConversationKey);
  c.conversations_json = s.get(ConversationList::kIndexKey);
  const std::string text = s.get(multiple ? ConversationList::blob_key(c.conversation_id) : "natter.session");
  if (!text.empty()) {
    auto blob = nlohmann::json::parse(text);
    if (blob.value("session_id", "") == c.conversation_id) {
      if (blob.contains("outbox")) c.outbox_json = blob["outbox"].dump();
      if (blob.contains("transcript")) c.transcript_json = blob["transcript"].dump();
    }
  }
  return c;
}

std::string sent_text(const HttpRequest& r) { return nlohmann::json::parse(r.body)["text"].get<std::string>(); }
std::string sent_id(const HttpRequest& r) { return nlohmann::json::parse(r.body)["message_id"].get<std::string>(); }

TEST(Conversations, SendInASwitchToBAndBackEachKeepsItsTranscriptAndNothingIsLostOrSentTwice) {
  Storage store;
  // Page 1: conversation A, one answered message and one left unanswered.
  Harness a1{boot(store, 1)};
  a1.feed(SessionWanted{});
  auto fx = a1.feed(EnterPressed{"where is my order?"});
  a1.answer(Harness::of<HttpRequest>(fx).at(0).request_id, reply_stream("It ships today."));
  fx = a1.feed(EnterPressed{"and the invoice?"});
  const HttpRequest unanswered = Harness::of<HttpRequest>(fx).at(0);
  const std::string a = a1.client.conversation_id();
  // The list names A after its first message.
  auto shown = a1.all_of<ConversationsShown>();
  ASSERT_FALSE(shown.empty());
  ASSERT_EQ(shown.back().items.size(), 1u);
  EXPECT_EQ(shown.back().items[0].title, "where is my order?");
  EXPECT_EQ(shown.back().items[0].last_ms, 1'700'000'000'000);

  fx = a1.feed(ConversationNewClicked{});
  auto open = Harness::of<ConversationOpen>(fx);
  ASSERT_EQ(open.size(), 1u);
  const std::string b = open[0].id;
  EXPECT_NE(b, a);
  store.take(a1);
  EXPECT_EQ(store.get(Client::kConversationKey), b);
  EXPECT_EQ(store.get("natter.session"), "") << "with several conversations each has its own blob";
  auto blob_a = nlohmann::json::parse(store.get(ConversationList::blob_key(a)));
  EXPECT_EQ(blob_a["outbox"].size(), 1u) << "the unanswered message stays with A";

  // Page 2 (the host's fresh core): B, empty; the list shows both, B current.
  Harness b1{boot(store, 2)};
  fx = b1.feed(SessionWanted{});
  EXPECT_EQ(b1.client.conversation_id(), b);
  EXPECT_TRUE(Harness::of<UserMessageShown>(fx).empty());
  EXPECT_TRUE(Harness::of<HttpRequest>(fx).empty()) << "A's unanswered message is not B's to send";
  ASSERT_FALSE(b1.all_of<ConversationsShown>().empty());
  EXPECT_EQ(b1.all_of<ConversationsShown>().back().current, b);
  EXPECT_EQ(b1.all_of<ConversationsShown>().back().items.size(), 2u);
  fx = b1.feed(EnterPressed{"do you sell gift cards?"});
  b1.answer(Harness::of<HttpRequest>(fx).at(0).request_id, reply_stream("Yes."));
  fx = b1.feed(ConversationSwitchClicked{a});
  ASSERT_EQ(Harness::of<ConversationOpen>(fx).size(), 1u);
  EXPECT_EQ(Harness::of<ConversationOpen>(fx)[0].id, a);
  store.take(b1);

  // Page 3: back in A: its transcript, and its unanswered message sent
  // again with its own id (the gateway replays or joins: the agent runs once).
  Harness a2{boot(store, 3)};
  fx = a2.feed(SessionWanted{});
  EXPECT_EQ(a2.client.conversation_id(), a);
  std::vector<std::string> users;
  for (const auto& u : Harness::of<UserMessageShown>(fx)) users.push_back(u.text);
  EXPECT_EQ(users, (std::vector<std::string>{"where is my order?", "and the invoice?"}));
  auto resent = Harness::of<HttpRequest>(fx);
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(sent_id(resent[0]), sent_id(unanswered));
  EXPECT_EQ(sent_text(resent[0]), "and the invoice?");
  EXPECT_EQ(Harness::header(resent[0], "Idempotency-Key"), sent_id(unanswered));

  // And B's blob still holds B's conversation only.
  auto blob_b = nlohmann::json::parse(store.get(ConversationList::blob_key(b)));
  EXPECT_EQ(blob_b["transcript"].size(), 2u);
  EXPECT_EQ(blob_b["transcript"][0]["text"], "do you sell gift cards?");
}

TEST(Conversations, OffByDefaultNothingChanges) {
  Harness h;  // default config: one conversation
  h.feed(SessionWanted{});
  h.feed(EnterPressed{"hello"});
  auto fx = h.feed(ConversationNewClicked{});
  EXPECT_TRUE(Harness::of<ConversationOpen>(fx).empty());
  h.feed(ConversationSwitchClicked{"conv-other"});
  EXPECT_TRUE(h.all_of<ConversationsShown>().empty());
  EXPECT_TRUE(h.all_of<ConversationOpen>().empty());
  for (const auto& p : h.all_of<Persist>()) {
    EXPECT_NE(p.key, ConversationList::kIndexKey);
    EXPECT_EQ(p.key.rfind("natter.session.", 0), std::string::npos) << p.key;
  }
}

TEST(Conversations, AnEmptyConversationIsAlreadyNew) {
  Storage store;
  Harness h{boot(store, 1)};
  h.feed(SessionWanted{});
  auto fx = h.feed(ConversationNewClicked{});
  EXPECT_TRUE(Harness::of<ConversationOpen>(fx).empty());
  EXPECT_EQ(h.all_of<ConversationsShown>().back().items.size(), 1u);
}

TEST(Conversations, AMalformedStoredIndexFallsBackToTheCurrentConversationWithAWarning) {
  Storage store;
  store.kv[Client::kConversationKey] = "conv-a";
  store.kv[ConversationList::kIndexKey] = "{not json";
  Harness h{boot(store, 1)};
  auto fx = h.feed(SessionWanted{});
  bool warned = false;
  for (const auto& l : h.all_of<Log>()) warned |= l.level == "warn" && l.text.find("unreadable") != std::string::npos;
  EXPECT_TRUE(warned);
  auto shown = h.all_of<ConversationsShown>();
  ASSERT_FALSE(shown.empty());
  ASSERT_EQ(shown.back().items.size(), 1u);
  EXPECT_EQ(shown.back().items[0].id, "conv-a");
  // And the index is written back readable.
  store.take(h);
  ConversationList back;
  EXPECT_EQ(back.restore(store.get(ConversationList::kIndexKey), "conv-a"), "");
}

TEST(Conversations, TheEleventhForgetsTheOldestAndClearsItsBlob) {
  Storage store;
  std::vector<std::string> made;
  for (uint64_t page = 1; page <= 10; ++page) {  // the 10th page's New makes the 11th
    Harness h{boot(store, page)};
    h.feed(SessionWanted{});
    made.push_back(h.client.conversation_id());
    h.now += static_cast<int64_t>(page) * 1000;
    auto fx = h.feed(EnterPressed{"message " + std::to_string(page)});
    h.answer(Harness::of<HttpRequest>(fx).back().request_id, reply_stream("ok"));
    h.feed(ConversationNewClicked{});
    store.take(h);
  }
  ConversationList list;
  list.restore(store.get(ConversationList::kIndexKey), store.get(Client::kConversationKey));
  EXPECT_EQ(list.entries().size(), ConversationList::kMaxConversations);
  EXPECT_EQ(store.get(ConversationList::blob_key(made[0])), "") << "the oldest was forgotten with its transcript";
  EXPECT_NE(store.get(ConversationList::blob_key(made[1])), "");
}

TEST(Conversations, ASwitchOpensTheOtherButNotMidCall) {
  Config c = testing::session_config();
  c.multiple_conversations = true;
  c.conversations_json = R"({"v":1,"current":"conv-1","items":[{"id":"conv-1"},{"id":"conv-2","title":"older"}]})";
  {
    Harness h{c};
    testing::go_live(h);
    auto fx = h.feed(ConversationSwitchClicked{"conv-2"});
    ASSERT_EQ(Harness::of<ConversationOpen>(fx).size(), 1u);
    EXPECT_EQ(Harness::of<ConversationOpen>(fx)[0].id, "conv-2");
    // Done: a second click does nothing more.
    fx = h.feed(ConversationNewClicked{});
    EXPECT_TRUE(Harness::of<ConversationOpen>(fx).empty());
  }
  Harness h{c};
  testing::go_live(h);
  h.feed(VoiceStartClicked{});
  auto fx = h.feed(ConversationSwitchClicked{"conv-2"});
  EXPECT_TRUE(Harness::of<ConversationOpen>(fx).empty()) << "not mid-call";
  EXPECT_EQ(h.client.conversations().current(), "conv-1");
  // The shopper is told why, for a switch and for a new one alike.
  ASSERT_EQ(Harness::of<NoticeShown>(fx).size(), 1u);
  EXPECT_EQ(Harness::of<NoticeShown>(fx)[0].code, "conversation_in_call");
  fx = h.feed(ConversationNewClicked{});
  EXPECT_TRUE(Harness::of<ConversationOpen>(fx).empty());
  ASSERT_EQ(Harness::of<NoticeShown>(fx).size(), 1u);
  EXPECT_EQ(Harness::of<NoticeShown>(fx)[0].text, "End the call to open another conversation.");
}

// Continue on your phone with several conversations on the phone: the
// continued chat joins the list (titled by its first message), the phone's
// own conversation stays listed with its blob, and a switch back opens it.
TEST(Conversations, AChatContinuedOnThePhoneJoinsItsListAndThePhonesOwnStays) {
  Config c = testing::session_config();
  c.multiple_conversations = true;
  c.wall_now_ms = 1'700'000'000'000;
  c.conversation_id = "conv-1";
  c.conversations_json = R"({"v":1,"current":"conv-1","items":[{"id":"conv-1","title":"my own question"}]})";
  c.continue_secret = "S3cr3t-S3cr3t-S3cr3t-S";
  Harness h{c};
  h.feed(SessionWanted{});
  EXPECT_EQ(h.all_of<ContinueOfferChanged>().back().state, "confirm") << "the phone's own chat stays listed";
  h.feed(ContinueConfirmed{});
  auto redeems = h.all_of<ContinueRedeem>();
  ASSERT_EQ(redeems.size(), 1u);
  h.feed(ContinueRedeemed{redeems[0].request_id, 200, "", "laptop-conv", "phone-token", 7,
                          R"([{"role":"user","id":"m1","text":"do you have PS5 games?"},{"role":"agent","id":"m1","text":"Yes."}])"});
  EXPECT_EQ(h.client.conversation_id(), "laptop-conv");
  const auto& items = h.client.conversations().entries();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].id, "laptop-conv");
  EXPECT_EQ(items[0].title, "do you have PS5 games?");
  EXPECT_EQ(items[1].id, "conv-1");
  EXPECT_EQ(items[1].title, "my own question");
  for (const auto& p : h.all_of<Persist>())
    EXPECT_FALSE(p.key == ConversationList::blob_key("conv-1") && p.value.empty()) << "the phone's own chat is kept";
  auto shown = h.all_of<ConversationsShown>();
  ASSERT_FALSE(shown.empty());
  EXPECT_EQ(shown.back().current, "laptop-conv");
  auto fx = h.feed(ConversationSwitchClicked{"conv-1"});
  ASSERT_EQ(Harness::of<ConversationOpen>(fx).size(), 1u);
  EXPECT_EQ(Harness::of<ConversationOpen>(fx)[0].id, "conv-1");
}

}  // namespace
}  // namespace natter
