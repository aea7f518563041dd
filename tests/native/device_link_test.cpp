// Continue on another device (device_link.hpp): the offer's states and its
// expiry, the first device told when the second took the chat and its
// revoke, the second device's redeem before its session starts.
#include <gtest/gtest.h>

#include "session_harness.hpp"
#include "state_diagram.hpp"

namespace natter::testing {
namespace {

// 5 s, well inside the heartbeat's liveness window (a silent server would drop the socket first).
const char* kOffered = R"({"type":"continue.offered","secret":"S3cr3t-S3cr3t-S3cr3t-S","code":"ABCD2345","expires_in_ms":5000})";

std::vector<ContinueOfferChanged> offers(const Harness& h) { return h.all_of<ContinueOfferChanged>(); }

bool has_notice(const Harness& h, const std::string& code) {
  for (const auto& n : h.all_of<NoticeShown>()) if (n.code == code) return true;
  return false;
}

TEST(DeviceLink, AnOfferIsAskedOnTheLiveSocketShownWithItsCodeAndExpiresAtItsDeadline) {
  Harness h(session_config());
  const uint32_t conn = go_live(h);
  h.feed(ContinueOfferClicked{});
  EXPECT_EQ(sent_frames(h, "continue.offer").size(), 1u);
  EXPECT_EQ(offers(h).back().state, "asking");
  EXPECT_EQ(h.client.link().offer(), LinkOffer::Asking);

  h.feed(WsFrame{conn, kOffered});
  ASSERT_EQ(offers(h).back().state, "shown");
  EXPECT_EQ(offers(h).back().secret, "S3cr3t-S3cr3t-S3cr3t-S");
  EXPECT_EQ(offers(h).back().code, "ABCD2345");
  EXPECT_EQ(offers(h).back().expires_in_ms, 5000);

  h.advance(4999);
  EXPECT_EQ(h.client.link().offer(), LinkOffer::Showing);
  h.advance(1);
  EXPECT_EQ(offers(h).back().state, "expired");
  EXPECT_EQ(h.client.link().offer(), LinkOffer::Expired);

  h.feed(ContinueOfferClicked{});  // a new link after the old one ran out
  EXPECT_EQ(sent_frames(h, "continue.offer").size(), 2u);
}

TEST(DeviceLink, AnOfferIsNotAskedWhileTheSessionIsDown) {
  Harness h(session_config());
  h.feed(ContinueOfferClicked{});
  EXPECT_TRUE(sent_frames(h, "continue.offer").empty());
  EXPECT_TRUE(has_notice(h, "continue_offline"));
  EXPECT_EQ(h.client.link().offer(), LinkOffer::Idle);
}

TEST(DeviceLink, ADismissedOfferIsNotShownWhenItsLinkArrivesLate) {
  Harness h(session_config());
  const uint32_t conn = go_live(h);
  h.feed(ContinueOfferClicked{});
  h.feed(ContinueOfferDismissed{});
  EXPECT_EQ(offers(h).back().state, "hidden");
  h.feed(WsFrame{conn, kOffered});
  EXPECT_EQ(offers(h).back().state, "hidden");
  EXPECT_FALSE(h.client.next_deadline() && h.client.timers().armed(TimerName::ContinueExpiry));
}

TEST(DeviceLink, TheFirstDeviceIsToldTheChatContinuedElsewhereAndItsRevokeReconnectsWithRevoke) {
  Harness h(session_config());
  const uint32_t conn = go_live(h);
  h.feed(ContinueOfferClicked{});
  h.feed(WsFrame{conn, kOffered});
  h.feed(WsClosed{conn, 4000, "replaced:device", true});
  EXPECT_EQ(offers(h).back().state, "hidden") << "the link did its job";
  ASSERT_FALSE(h.all_of<ElsewhereChanged>().empty());
  EXPECT_TRUE(h.all_of<ElsewhereChanged>().back().elsewhere);
  EXPECT_TRUE(h.all_of<ElsewhereChanged>().back().can_revoke);
  EXPECT_EQ(h.all_of<StatusChanged>().back().code, "continued_elsewhere");
  EXPECT_EQ(h.client.connection().state(), ConnState::Closed);
  const size_t sockets = h.all_of<WsConnect>().size();
  h.advance(60000);
  EXPECT_EQ(h.all_of<WsConnect>().size(), sockets) << "no reconnect on its own: it would take the chat back";

  h.feed(RevokeClicked{});
  EXPECT_FALSE(h.all_of<ElsewhereChanged>().back().elsewhere);
  const uint32_t again = last_conn(h);
  ASSERT_NE(again, conn);
  h.feed(WsOpened{again});
  auto hellos = sent_frames(h, "hello");
  EXPECT_NE(hellos.back().find("\"revoke\":true"), std::string::npos);
  h.feed(WsFrame{again, welcome()});
  EXPECT_TRUE(has_notice(h, "continue_revoked"));
  EXPECT_FALSE(h.client.link().revoke_pending());
}

TEST(DeviceLink, AHelloCarriesRevokeOnlyAfterARevoke) {
  Harness h(session_config());
  go_live(h);
  EXPECT_EQ(sent_frames(h, "hello").back().find("revoke"), std::string::npos);
}

TEST(DeviceLink, TheSecondDeviceMayNotOfferNorRevokeAndARevokeEndsItsSession) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  const uint32_t conn = last_conn(h);
  h.feed(WsOpened{conn});
  std::string w = welcome();
  w.insert(w.size() - 1, R"(,"device":"second")");
  h.feed(WsFrame{conn, w});
  EXPECT_TRUE(h.client.link().second_device());
  h.feed(ContinueOfferClicked{});
  EXPECT_TRUE(sent_frames(h, "continue.offer").empty());
  EXPECT_TRUE(has_notice(h, "continue_not_here"));

  h.feed(WsClosed{conn, 4000, "revoked", true});
  EXPECT_EQ(h.all_of<StatusChanged>().back().code, "revoked");
  EXPECT_FALSE(h.all_of<StatusChanged>().back().can_retry_now);
  EXPECT_EQ(h.client.connection().state(), ConnState::Closed);
  EXPECT_TRUE(h.all_of<ElsewhereChanged>().empty());
}

TEST(DeviceLink, ASecretFromTheFragmentIsRedeemedBeforeTheSessionAndHandsThisTabTheConversation) {
  Config c = session_config();
  c.continue_secret = "S3cr3t-S3cr3t-S3cr3t-S";
  Harness h(c);
  h.feed(SessionWanted{});
  h.feed(ContinueConfirmed{});
  EXPECT_TRUE(h.all_of<WsConnect>().empty()) << "the session waits for the redeem";
  auto redeems = h.all_of<ContinueRedeem>();
  ASSERT_EQ(redeems.size(), 1u);
  EXPECT_EQ(redeems[0].url, "http://shop.test/api/continue");
  EXPECT_EQ(redeems[0].secret, "S3cr3t-S3cr3t-S3cr3t-S");

  ContinueRedeemed answer{redeems[0].request_id, 200, "", "laptop-conv", "phone-token", 7,
                          R"([{"role":"user","id":"continued-1","text":"do you have PS5 games?"},{"role":"agent","id":"continued-1","text":"Yes: **two**.","cards":[{"product_id":"p1","name":"Game","price":"9.99","currency":"GBP","url":"https://shop.test/p1"}]}])"};
  h.feed(answer);
  EXPECT_EQ(h.client.conversation_id(), "laptop-conv");
  EXPECT_TRUE(has_notice(h, "continued_here"));
  ASSERT_EQ(h.all_of<UserMessageShown>().size(), 1u);
  EXPECT_EQ(h.all_of<UserMessageShown>()[0].text, "do you have PS5 games?");
  ASSERT_EQ(h.all_of<AgentReplyUpdated>().size(), 1u);
  ASSERT_EQ(h.all_of<ProductCardShown>().size(), 1u);
  EXPECT_EQ(h.all_of<ProductCardShown>()[0].product_id, "p1");

  const uint32_t conn = last_conn(h);
  ASSERT_NE(conn, 0u);
  h.feed(WsOpened{conn});
  const std::string hello = sent_frames(h, "hello").back();
  EXPECT_NE(hello.find(R"("session_id":"laptop-conv")"), std::string::npos);
  EXPECT_NE(hello.find(R"("resume_token":"phone-token")"), std::string::npos);
  EXPECT_NE(hello.find(R"("last_event_seq":7)"), std::string::npos);
}

TEST(DeviceLink, TheSavedProductsGoWithTheLinkAndThePhoneDrawsThemSaved) {
  const char* kSaved = R"([{"product_id":"p1","name":"Game","price":"9.99","currency":"GBP","url":"https://shop.test/p1"}])";
  Config laptop_config = session_config();
  laptop_config.saved_json = kSaved;
  Harness laptop(laptop_config);
  go_live(laptop);
  laptop.feed(ContinueOfferClicked{});
  const auto offer = nlohmann::json::parse(sent_frames(laptop, "continue.offer").at(0));
  EXPECT_EQ(offer["saved"], nlohmann::json::parse(kSaved)) << "the laptop's saved products ride with the offer";

  Config c = session_config();
  c.continue_secret = "S3cr3t-S3cr3t-S3cr3t-S";
  Harness phone(c);
  phone.feed(SessionWanted{});
  phone.feed(ContinueConfirmed{});
  const auto redeem = phone.all_of<ContinueRedeem>().at(0);
  ContinueRedeemed answer{redeem.request_id, 200, "", "laptop-conv", "phone-token", 7,
                          R"([{"role":"agent","id":"m1","text":"Yes.","cards":[{"product_id":"p1","name":"Game","price":"9.99","currency":"GBP","url":"https://shop.test/p1"},{"product_id":"p2","name":"Other","price":"1.00","currency":"GBP","url":"https://shop.test/p2"}]}])",
                          R"j([{"product_id":"p1","name":"Game","price":"9.99","currency":"GBP","url":"https://shop.test/p1"},{"product_id":"x","name":"X","price":"1","currency":"GBP","url":"javascript:alert(1)"}])j"};
  phone.feed(answer);
  EXPECT_TRUE(phone.client.saved().contains("p1"));
  EXPECT_FALSE(phone.client.saved().contains("x")) << "checked like a card: no javascript: link";
  auto cards = phone.all_of<ProductCardShown>();
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_TRUE(cards[0].saved);
  EXPECT_FALSE(cards[1].saved);
  std::string stored;
  for (const auto& p : phone.all_of<Persist>()) if (p.key == SessionDelivery::kPersistKey) stored = p.value;
  const auto blob = nlohmann::json::parse(stored);
  ASSERT_TRUE(blob.contains("saved")) << "kept for the phone's next page";
  EXPECT_EQ(blob["saved"].size(), 1u);
}

TEST(DeviceLink, ARefusedRedeemIsToldAndThisTabKeepsItsOwnSession) {
  for (const std::string code : {"used", "expired", "rate_limited", "unknown"}) {
    Config c = session_config();
    c.continue_secret = "S3cr3t-S3cr3t-S3cr3t-S";
    Harness h(c);
    h.feed(SessionWanted{});
    h.feed(ContinueConfirmed{});
    const uint32_t id = h.all_of<ContinueRedeem>().at(0).request_id;
    h.feed(ContinueRedeemed{id, code == "unknown" ? 404 : code == "rate_limited" ? 429 : 410, code, "", "", 0, ""});
    EXPECT_TRUE(has_notice(h, "continue_" + code)) << code;
    EXPECT_EQ(h.client.conversation_id(), "conv-1") << code;
    EXPECT_EQ(h.all_of<WsConnect>().size(), 1u) << code << ": its own session starts";
    h.feed(SessionWanted{});
    h.feed(ContinueConfirmed{});
    EXPECT_EQ(h.all_of<ContinueRedeem>().size(), 1u) << code << ": the secret is tried once";
  }
}

TEST(DeviceLink, AStaleRedeemAnswerIsIgnored) {
  Config c = session_config();
  c.continue_secret = "S3cr3t-S3cr3t-S3cr3t-S";
  Harness h(c);
  h.feed(SessionWanted{});
  h.feed(ContinueConfirmed{});
  h.feed(ContinueRedeemed{9999, 200, "", "other", "tok", 0, ""});
  EXPECT_EQ(h.client.conversation_id(), "conv-1");
  EXPECT_TRUE(h.all_of<WsConnect>().empty());
}

// A link can be sent by anyone: redeemed unasked, it would pull this tab
// into the sender's conversation. Nothing is redeemed until the shopper
// says Continue here.
TEST(DeviceLink, ALinkFromTheFragmentIsRedeemedOnlyOnceTheShopperConfirms) {
  Config c = session_config();
  c.continue_secret = "S3cr3t-S3cr3t-S3cr3t-S";
  Harness h(c);
  h.feed(SessionWanted{});
  EXPECT_TRUE(h.all_of<ContinueRedeem>().empty()) << "no redeem before the shopper confirms";
  EXPECT_TRUE(h.all_of<WsConnect>().empty()) << "the session waits for the answer";
  ASSERT_FALSE(offers(h).empty());
  EXPECT_EQ(offers(h).back().state, "confirm") << "nothing of this tab's to lose";
  EXPECT_EQ(offers(h).back().secret, "") << "the secret never goes back to the page";
  h.feed(SessionWanted{});  // the panel opened again meanwhile
  EXPECT_TRUE(h.all_of<ContinueRedeem>().empty());
  EXPECT_TRUE(h.all_of<WsConnect>().empty());
  for (const auto& p : h.all_of<Persist>())
    EXPECT_EQ(p.value.find("S3cr3t"), std::string::npos) << "never stored while waiting: " << p.key;

  h.feed(ContinueConfirmed{});
  ASSERT_EQ(h.all_of<ContinueRedeem>().size(), 1u);
  EXPECT_EQ(h.all_of<ContinueRedeem>()[0].secret, "S3cr3t-S3cr3t-S3cr3t-S");
  EXPECT_EQ(offers(h).back().state, "hidden");
  h.feed(ContinueConfirmed{});
  EXPECT_EQ(h.all_of<ContinueRedeem>().size(), 1u) << "confirmed once, redeemed once";
}

TEST(DeviceLink, NotNowForgetsTheLinkAndTheTabGoesOnAsAFreshVisit) {
  Config c = session_config();
  c.continue_secret = "S3cr3t-S3cr3t-S3cr3t-S";
  Harness h(c);
  h.feed(SessionWanted{});
  h.feed(ContinueOfferDismissed{});
  EXPECT_EQ(offers(h).back().state, "hidden");
  EXPECT_EQ(h.all_of<WsConnect>().size(), 1u) << "its own session starts";
  EXPECT_EQ(h.client.conversation_id(), "conv-1");
  h.feed(ContinueConfirmed{});
  h.feed(SessionWanted{});
  EXPECT_TRUE(h.all_of<ContinueRedeem>().empty()) << "the declined link is never redeemed";
  for (const auto& p : h.all_of<Persist>())
    EXPECT_EQ(p.value.find("S3cr3t"), std::string::npos) << "never stored: " << p.key;
}

TEST(DeviceLink, ThePromptSaysWhenThisTabsOwnConversationWouldGiveWay) {
  Config c = session_config();
  c.continue_secret = "S3cr3t-S3cr3t-S3cr3t-S";
  c.transcript_json = R"([{"role":"user","id":"m1","text":"my own question"},{"role":"agent","id":"m1","text":"Yes."}])";
  Harness h(c);
  h.feed(SessionWanted{});
  ASSERT_FALSE(offers(h).empty());
  EXPECT_EQ(offers(h).back().state, "confirm_replace");
  EXPECT_TRUE(h.all_of<ContinueRedeem>().empty());
}

TEST(DeviceLink, ATypedCodeIsNormalizedAndRedeemedAndAMistypedOneIsNotSent) {
  Harness h(session_config());
  h.feed(ContinueCodeEntered{"abcd-2345"});
  ASSERT_EQ(h.all_of<ContinueRedeem>().size(), 1u);
  EXPECT_EQ(h.all_of<ContinueRedeem>()[0].code, "ABCD2345");
  EXPECT_EQ(h.all_of<ContinueRedeem>()[0].secret, "");

  Harness bad(session_config());
  bad.feed(ContinueCodeEntered{"O0I1-L0U0"});
  EXPECT_TRUE(bad.all_of<ContinueRedeem>().empty());
  EXPECT_TRUE(has_notice(bad, "continue_bad_code"));
}

TEST(DeviceLink, TheOfferTableRefusesAndCountsWhatItDoesNotList) {
  EXPECT_TRUE(is_legal(LinkOffer::Idle, LinkOffer::Asking));
  EXPECT_FALSE(is_legal(LinkOffer::Idle, LinkOffer::Showing)) << "never shown without being asked";
  EXPECT_FALSE(is_legal(LinkOffer::Expired, LinkOffer::Showing)) << "an expired link never comes back";
}

const DiagramSource kSource{
    "Continue on another device: the offer", "link-offer-states.md", "kLinkOfferTransitions", "wasm/src/people/device_link.cpp",
    "tests/native/device_link_test.cpp",
    "The link itself is the server's (docs/protocol.md, \"Continue on another device\"): this is what the shopper sees.\n"};

TEST(DeviceLink, TheDiagramInTheDocsMatchesTheTable) {
  expect_doc_matches(kSource, render_state_diagram(kSource, kLinkOfferTransitions, kLinkOfferTransitionCount, LinkOffer::Idle));
}

TEST(DeviceLink, EveryOfferStateIsReachableFromIdle) {
  EXPECT_EQ(reachable_states(kLinkOfferTransitions, kLinkOfferTransitionCount, LinkOffer::Idle), 4u);
}

}  // namespace
}  // namespace natter::testing
