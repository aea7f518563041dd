// A person from the shop, as the shopper sees them (presence.hpp): the
// "Talk to a person" offer, the email form when nobody is available (sent
// once), staff typing that expires on its own, and delivered / read receipts.
#include <gtest/gtest.h>

#include "session_harness.hpp"

namespace natter {
namespace {

using namespace natter::testing;

std::string control(uint64_t seq, const std::string& data) { return event(seq, "control", "control", data); }
std::string typing(const std::string& name, uint64_t seq) {
  return R"({"type":"typing","name":")" + name + R"(","seq":)" + std::to_string(seq) + "}";
}

std::vector<bool> offers(const Harness& h) {
  std::vector<bool> out;
  for (const auto& o : h.all_of<HandoffOffer>()) out.push_back(o.shown);
  return out;
}
std::vector<std::string> form_states(const Harness& h) {
  std::vector<std::string> out;
  for (const auto& f : h.all_of<HandoffEmailForm>()) out.push_back(f.state);
  return out;
}
std::string sent_id(const Harness& h, const std::string& text) {
  for (const auto& m : h.all_of<UserMessageShown>())
    if (m.text == text) return m.message_id;
  return "";
}
std::vector<std::string> receipts_of(const Harness& h, const std::string& id) {
  std::vector<std::string> out;
  for (const auto& d : h.all_of<DeliveryChanged>())
    if (d.message_id == id && !d.receipt.empty()) out.push_back(d.receipt + (d.by.empty() ? "" : ":" + d.by));
  return out;
}

TEST(Presence, TheOfferShowsWhileTheAssistantAnswersAndHidesOnceAPersonIsAskedFor) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  EXPECT_EQ(offers(h), (std::vector<bool>{true}));
  h.feed(HandoffRequested{});
  EXPECT_EQ(sent_frames(h, "handoff.request").size(), 1u);
  EXPECT_EQ(offers(h), (std::vector<bool>{true, false}));  // no second click while it is under way
  h.feed(WsFrame{id, control(1, R"({"state":"waiting","position":1})")});
  h.feed(WsFrame{id, control(2, R"({"state":"person","by":{"name":"Ana"}})")});
  EXPECT_EQ(offers(h), (std::vector<bool>{true, false}));
  h.feed(WsFrame{id, control(3, R"({"state":"ai","by":{"name":"Ana"}})")});
  EXPECT_EQ(offers(h), (std::vector<bool>{true, false, true}));
}

TEST(Presence, NoOfferWithoutTheLiveSession) {
  Harness h;  // HTTP transport
  h.feed(SendClicked{"hi"});
  EXPECT_TRUE(h.all_of<HandoffOffer>().empty());
}

TEST(Presence, AReloadedPageWhoseWelcomeSaysAPersonHasItShowsNoOffer) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  const uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  std::string w = welcome();
  w.insert(w.size() - 1, R"(,"control":{"state":"person","by":{"name":"Ana"}})");
  h.feed(WsFrame{id, w});
  EXPECT_FALSE(h.client.presence().offer_shown());
}

TEST(Presence, NobodyAvailableOpensTheEmailFormAndAnInvalidAddressIsRefusedInPlace) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(HandoffRequested{});
  h.feed(WsFrame{id, control(1, R"({"state":"unavailable","ask":"email"})")});
  EXPECT_EQ(form_states(h), (std::vector<std::string>{"shown"}));
  h.feed(HandoffEmailSubmitted{"not an address"});
  EXPECT_EQ(form_states(h), (std::vector<std::string>{"shown", "invalid"}));
  EXPECT_EQ(h.all_of<HandoffEmailForm>().back().code, "bad_email");
  EXPECT_TRUE(sent_frames(h, "handoff.email").empty());
  EXPECT_FALSE(h.client.presence().offer_shown());  // the form is the answer now
}

TEST(Presence, TheEmailIsSentOnceUnderOneIdAcrossAReconnectAndAcknowledged) {
  Harness h(session_config());
  uint32_t id = go_live(h);
  h.feed(HandoffRequested{});
  h.feed(WsFrame{id, control(1, R"({"state":"unavailable","ask":"email"})")});
  h.feed(HandoffEmailSubmitted{" ana@example.com "});
  h.feed(HandoffEmailSubmitted{"ana@example.com"});  // a second click: nothing more
  auto first = sent_frames(h, "handoff.email");
  ASSERT_EQ(first.size(), 1u);
  const std::string email_id = h.client.presence().pending_email_id();
  EXPECT_NE(first[0].find(email_id), std::string::npos);
  EXPECT_NE(first[0].find(R"("email":"ana@example.com")"), std::string::npos) << first[0];
  h.feed(WsClosed{id, 1006, "", true});  // lost before the answer
  h.advance_to_deadline();
  id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome()});
  auto all = sent_frames(h, "handoff.email");
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1], all[0]);  // the same id: the gateway keeps it once
  h.feed(WsFrame{id, R"({"type":"handoff.email_saved","email_id":"someone-else"})"});
  EXPECT_EQ(form_states(h).back(), "sending");
  h.feed(WsFrame{id, R"({"type":"handoff.email_saved","email_id":")" + email_id + "\"}"});
  EXPECT_EQ(form_states(h), (std::vector<std::string>{"shown", "sending", "saved"}));
  EXPECT_EQ(h.all_of<HandoffEmailForm>().back().email, "ana@example.com");
  EXPECT_TRUE(h.client.presence().offer_shown());
}

TEST(Presence, StaffTypingShowsThenExpiresSixSecondsAfterTheLastSignal) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(WsFrame{id, control(1, R"({"state":"person","by":{"name":"Ana"}})")});
  h.feed(WsFrame{id, typing("Ana", 1)});
  ASSERT_EQ(h.all_of<TypingChanged>().size(), 1u);
  EXPECT_TRUE(h.all_of<TypingChanged>()[0].typing);
  EXPECT_EQ(h.all_of<TypingChanged>()[0].name, "Ana");
  h.advance(4000);
  h.feed(WsFrame{id, typing("Ana", 1)});  // still typing: the expiry moves, nothing is shown again
  h.advance(kTypingExpiryMs - 1);
  EXPECT_EQ(h.all_of<TypingChanged>().size(), 1u);
  h.advance(1);
  ASSERT_EQ(h.all_of<TypingChanged>().size(), 2u);
  EXPECT_FALSE(h.all_of<TypingChanged>()[1].typing);
  EXPECT_FALSE(h.client.timers().armed(TimerName::StaffTyping));
}

TEST(Presence, StaffTypingClearsWhenTheirMessageArrivesAndAnOlderSignalIsDropped) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(WsFrame{id, control(1, R"({"state":"person","by":{"name":"Ana"}})")});
  h.feed(WsFrame{id, typing("Ana", 1)});
  h.feed(WsFrame{id, event(2, "staff-m-1", "start", R"({"reply_id":"s1","author":{"kind":"staff","name":"Ana"}})")});
  ASSERT_EQ(h.all_of<TypingChanged>().size(), 2u);
  EXPECT_FALSE(h.all_of<TypingChanged>()[1].typing);
  h.feed(WsFrame{id, typing("Ana", 1)});  // sent before that message: late
  EXPECT_EQ(h.all_of<TypingChanged>().size(), 2u);
  EXPECT_FALSE(h.client.timers().armed(TimerName::StaffTyping));
}

TEST(Presence, TypingIsShownOnlyWhileAPersonControlsTheConversation) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(WsFrame{id, typing("Ana", 0)});
  EXPECT_TRUE(h.all_of<TypingChanged>().empty());
  h.feed(WsFrame{id, control(1, R"({"state":"person","by":{"name":"Ana"}})")});
  h.feed(WsFrame{id, typing("Ana", 1)});
  h.feed(WsFrame{id, control(2, R"({"state":"ai","by":{"name":"Ana"}})")});  // handed back: she stops
  ASSERT_EQ(h.all_of<TypingChanged>().size(), 2u);
  EXPECT_FALSE(h.all_of<TypingChanged>()[1].typing);
}

TEST(Presence, AMessageIsDeliveredOnItsAckThenReadWithEveryEarlierOneEachOnce) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  for (const char* text : {"one", "two", "three"}) {  // each acked before the next may go
    h.feed(SendClicked{text});
    h.feed(WsFrame{id, ack(sent_id(h, text))});
  }
  const std::string one = sent_id(h, "one"), two = sent_id(h, "two"), three = sent_id(h, "three");
  EXPECT_EQ(receipts_of(h, one), (std::vector<std::string>{"delivered"}));
  h.feed(WsFrame{id, event(1, "read", "read", R"({"through":")" + two + R"(","by":{"name":"Ana"}})")});
  h.feed(WsFrame{id, event(1, "read", "read", R"({"through":")" + two + R"(","by":{"name":"Ana"}})")});  // replay
  EXPECT_EQ(receipts_of(h, one), (std::vector<std::string>{"delivered", "read:Ana"}));
  EXPECT_EQ(receipts_of(h, two), (std::vector<std::string>{"delivered", "read:Ana"}));
  EXPECT_EQ(receipts_of(h, three), (std::vector<std::string>{"delivered"}));
  h.feed(WsFrame{id, event(2, "read", "read", R"({"through":")" + three + R"(","by":{"name":"Ben"}})")});
  EXPECT_EQ(receipts_of(h, one).size(), 2u);  // read once
  EXPECT_EQ(receipts_of(h, three), (std::vector<std::string>{"delivered", "read:Ben"}));
  EXPECT_EQ(h.client.delivery().last_event_seq(), 2u);
}

TEST(Presence, AReadMarkForAnUnknownMessageMarksNothingButIsApplied) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  h.feed(SendClicked{"one"});
  h.feed(WsFrame{id, event(1, "read", "read", R"({"through":"elsewhere","by":{"name":"Ana"}})")});
  EXPECT_EQ(receipts_of(h, sent_id(h, "one")), (std::vector<std::string>{}));
  EXPECT_EQ(h.client.delivery().last_event_seq(), 1u);
}

}  // namespace
}  // namespace natter
