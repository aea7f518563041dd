// natter('identify') end to end in the core (identity.hpp): the hello and
// the identify frame of the live session, the HTTP request body, the
// persisted visitor and the rule that a message in flight is never changed
// or re-sent by an identify.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "boundary/json_client.hpp"
#include "session_harness.hpp"

namespace natter::testing {
namespace {

using nlohmann::json;

const char* kAna = R"({"id":"u-7","name":"Ana","email":"ana@example.com"})";
const json kAnaJson = json::parse(kAna);

json hello_of(const Harness& h) {
  auto hellos = sent_frames(h, "hello");
  EXPECT_FALSE(hellos.empty());
  return hellos.empty() ? json() : json::parse(hellos.back());
}

json last_persisted(const Harness& h) {
  auto p = h.all_of<Persist>();
  EXPECT_FALSE(p.empty());
  return p.empty() ? json() : json::parse(p.back().value);
}

TEST(Identity, TheHelloCarriesTheVisitorWhenKnownAndOmitsItOtherwise) {
  Harness anonymous{session_config()};
  go_live(anonymous);
  EXPECT_FALSE(hello_of(anonymous).contains("visitor"));

  Harness h{session_config()};
  h.feed(HostIdentify{kAna});  // the loader replays identify before the session is wanted
  go_live(h);
  EXPECT_EQ(hello_of(h)["visitor"], kAnaJson);
  EXPECT_TRUE(sent_frames(h, "identify").empty()) << "the hello already told the server";
}

TEST(Identity, IdentifyWhileLiveSendsOneFrameAndTheSameVisitorAgainSendsNone) {
  Harness h{session_config()};
  const uint32_t conn = go_live(h);
  h.feed(HostIdentify{kAna});
  auto frames = sent_frames(h, "identify");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(json::parse(frames[0]), json({{"type", "identify"}, {"visitor", kAnaJson}}));
  EXPECT_EQ(h.all_of<WsSend>().back().conn_id, conn);
  h.feed(HostIdentify{R"({"email":"ana@example.com","name":"Ana","id":"u-7"})"});  // same, other key order
  EXPECT_EQ(sent_frames(h, "identify").size(), 1u);
}

TEST(Identity, IdentifyWhileDisconnectedIsCarriedByTheNextHelloOnly) {
  Harness h{session_config()};
  const uint32_t conn = go_live(h);
  h.feed(WsClosed{conn, 1006, "", true});
  h.feed(HostIdentify{kAna});
  EXPECT_TRUE(sent_frames(h, "identify").empty());
  ASSERT_TRUE(h.advance_to_deadline());  // the Reconnect timer
  const uint32_t next = last_conn(h);
  ASSERT_NE(next, conn);
  h.feed(WsOpened{next});
  h.feed(WsFrame{next, welcome(true)});
  EXPECT_EQ(hello_of(h)["visitor"], kAnaJson);
  EXPECT_TRUE(sent_frames(h, "identify").empty());
}

TEST(Identity, IdentifyAfterTheHelloLeftIsSentOnceTheWelcomeArrives) {
  Harness h{session_config()};
  h.feed(SessionWanted{});
  const uint32_t conn = last_conn(h);
  h.feed(WsOpened{conn});
  h.feed(HostIdentify{kAna});
  EXPECT_FALSE(hello_of(h).contains("visitor"));
  EXPECT_TRUE(sent_frames(h, "identify").empty()) << "not before the welcome";
  h.feed(WsFrame{conn, welcome(true)});
  auto frames = sent_frames(h, "identify");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(json::parse(frames[0])["visitor"], kAnaJson);
}

TEST(Identity, ForgettingSendsANullVisitorAndDropsItFromStorageAndTheNextHello) {
  Harness h{session_config()};
  h.feed(HostIdentify{kAna});
  const uint32_t conn = go_live(h);
  EXPECT_EQ(last_persisted(h)["visitor"], kAnaJson);
  h.feed(HostIdentify{"null"});
  auto frames = sent_frames(h, "identify");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(json::parse(frames[0])["visitor"].is_null());
  EXPECT_FALSE(last_persisted(h).contains("visitor"));
  h.feed(WsClosed{conn, 1006, "", true});
  ASSERT_TRUE(h.advance_to_deadline());
  h.feed(WsOpened{last_conn(h)});
  EXPECT_FALSE(hello_of(h).contains("visitor"));
}

TEST(Identity, TheVisitorIsPersistedAtOnceAndTheNextPageRestoresIt) {
  Harness first{session_config()};
  first.feed(HostIdentify{kAna});
  const json saved = last_persisted(first);
  EXPECT_EQ(saved["visitor"], kAnaJson);
  EXPECT_EQ(saved["session_id"], "conv-1");

  Config c = session_config();
  c.visitor_json = saved["visitor"].dump();
  Harness next{c};  // the shop does not call identify on this page
  go_live(next);
  EXPECT_EQ(hello_of(next)["visitor"], kAnaJson);
}

TEST(Identity, ATamperedStoredVisitorIsDroppedWithAWarning) {
  Config c = session_config();
  c.visitor_json = R"({"id":"u-7","email":"not-an-email","admin":true})";
  Harness h{c};
  go_live(h);
  EXPECT_FALSE(h.client.identity().visitor().has_value());
  EXPECT_FALSE(hello_of(h).contains("visitor"));
  auto logs = h.all_of<Log>();
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs.front().level, "warn");
  EXPECT_EQ(logs.front().text.rfind("dropped the stored visitor: unknown key \"admin\"", 0), 0u) << logs.front().text;
}

TEST(Identity, OverHttpTheRequestBodyCarriesTheVisitorAndItIsPersisted) {
  Harness h;
  h.feed(HostIdentify{kAna});
  json persisted = last_persisted(h);
  // The conversation's key rides along (conversation_key_test.cpp checks it).
  EXPECT_EQ(persisted.value("conversation_key", "").size(), 48u) << persisted;
  persisted.erase("conversation_key");
  EXPECT_EQ(persisted, json({{"session_id", h.client.conversation_id()}, {"visitor", kAnaJson},
                             {"outbox", json::array()}, {"transcript", json::array()}}));
  h.feed(SendClicked{"hi"});
  EXPECT_EQ(json::parse(h.last_request().body)["visitor"], kAnaJson);

  Harness anonymous;
  anonymous.feed(SendClicked{"hi"});
  EXPECT_FALSE(json::parse(anonymous.last_request().body).contains("visitor"));
}

TEST(Identity, OverHttpIdentifyDuringASendNeitherChangesNorResendsIt) {
  Harness h;
  h.feed(SendClicked{"do you have PS5 games?"});
  const HttpRequest first = h.last_request();
  auto effects = h.feed(HostIdentify{kAna});
  EXPECT_TRUE(Harness::of<HttpRequest>(effects).empty());
  EXPECT_TRUE(Harness::of<HttpAbort>(effects).empty());
  EXPECT_TRUE(Harness::of<DeliveryChanged>(effects).empty());
  h.feed(HttpFailed{first.request_id, "network error"});
  ASSERT_TRUE(h.advance_to_deadline());  // the automatic retry
  ASSERT_EQ(h.requests().size(), 2u);
  EXPECT_EQ(h.last_request().body, first.body) << "the retry sends the body as first accepted";
  h.answer(h.last_request().request_id, reply_stream("Yes"));
  h.feed(SendClicked{"thanks"});
  ASSERT_EQ(h.requests().size(), 3u);
  EXPECT_EQ(json::parse(h.last_request().body)["visitor"], kAnaJson) << "the next message carries it";
}

TEST(Identity, OverTheSessionIdentifyDuringASendDoesNotResendTheMessage) {
  Harness h{session_config()};
  const uint32_t conn = go_live(h);
  h.feed(EnterPressed{"hi", false, false, false});
  ASSERT_EQ(sent_frames(h, "msg").size(), 1u);
  h.feed(HostIdentify{kAna});  // not yet acked
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
  EXPECT_EQ(sent_frames(h, "identify").size(), 1u);
  const std::string id = h.all_of<UserMessageShown>().back().message_id;
  h.feed(WsFrame{conn, ack(id)});
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
  EXPECT_EQ(h.client.delivery().outbox().size(), 1u);  // waiting for its reply, unchanged
  EXPECT_EQ(h.client.delivery().outbox().entries().front().text, "hi");
}

TEST(Identity, TheJsonBoundaryTakesHostIdentifyAndTheDumpNeverShowsTheEmail) {
  JsonClient c(R"({"chat_url":"http://shop.test/api/chat","seed_hi":"1","seed_lo":"2"})");
  EXPECT_EQ(c.identity_json(), R"({"identified":false})");
  json effects = json::parse(c.handle(R"({"type":"host_identify","visitor":{"email":"ana@"}})", 0));
  ASSERT_EQ(effects.size(), 1u);
  EXPECT_EQ(effects[0]["type"], "log");
  EXPECT_EQ(effects[0]["level"], "error");
  effects = json::parse(c.handle(std::string(R"({"type":"host_identify","visitor":)") + kAna + "}", 0));
  EXPECT_EQ(c.identity_json(), R"({"identified":true,"visitor_id":"u-7"})");
  EXPECT_EQ(c.identity_json().find("ana@"), std::string::npos);
}

TEST(Identity, ConfigRestoresTheVisitorAndRefusesANonObject) {
  JsonClient restored(std::string(R"({"conversation_id":"c1","visitor":)") + kAna + "}");
  EXPECT_EQ(restored.identity_json(), R"({"identified":true,"visitor_id":"u-7"})");
  JsonClient wrong(R"({"conversation_id":"c1","visitor":"ana"})");
  json effects = json::parse(wrong.handle(R"({"type":"tick"})", 0));
  ASSERT_FALSE(effects.empty());
  EXPECT_EQ(effects[0]["text"], "config 'visitor' must be an object");
  EXPECT_EQ(wrong.identity_json(), R"({"identified":false})");
}

}  // namespace
}  // namespace natter::testing
