// The client's side of session ownership (docs/protocol.md, "Handshake"):
// the resume token is rotated on every welcome and the client keeps (and
// persists) the newest; a welcome that names another session id than the
// hello's (the server could not let this hello prove its session) is adopted.
#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "session_harness.hpp"

namespace natter {
namespace {

using namespace natter::testing;

std::string welcome_for(const std::string& session_id, const std::string& token, bool resumed) {
  return nlohmann::json{{"type", "welcome"}, {"session_id", session_id}, {"resume_token", token},
                        {"resumed", resumed}, {"replaced", false}, {"acked", nlohmann::json::array()},
                        {"event_seq", 0}, {"heartbeat_ms", 15000}}
      .dump();
}

nlohmann::json last_persisted(const Harness& h) {
  auto p = h.all_of<Persist>();
  p.erase(std::remove_if(p.begin(), p.end(), [](const Persist& x) { return x.key != "natter.session"; }), p.end());
  EXPECT_FALSE(p.empty());
  return p.empty() ? nlohmann::json{} : nlohmann::json::parse(p.back().value);
}

nlohmann::json last_hello(const Harness& h) {
  auto hellos = sent_frames(h, "hello");
  EXPECT_FALSE(hellos.empty());
  return hellos.empty() ? nlohmann::json{} : nlohmann::json::parse(hellos.back());
}

// Drops the live socket and takes the client through its next hello.
uint32_t reconnect(Harness& h, uint32_t conn) {
  h.feed(WsClosed{conn, 1006, "", true});
  while (h.client.connection().state() != ConnState::ExpectOpen && h.advance_to_deadline()) {}
  const uint32_t next = last_conn(h);
  h.feed(WsOpened{next});
  return next;
}

TEST(SessionTakeover, EveryWelcomesTokenIsPersistedAndSentInTheNextHello) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  uint32_t conn = last_conn(h);
  h.feed(WsOpened{conn});
  EXPECT_EQ(last_hello(h)["resume_token"], "");
  h.feed(WsFrame{conn, welcome_for("conv-1", "tok-1", false)});
  EXPECT_EQ(last_persisted(h)["resume_token"], "tok-1");
  for (const std::string next : {"tok-2", "tok-3"}) {
    const std::string before = last_persisted(h)["resume_token"];
    conn = reconnect(h, conn);
    EXPECT_EQ(last_hello(h)["resume_token"], before) << "the newest token proves the session";
    h.feed(WsFrame{conn, welcome_for("conv-1", next, true)});
    ASSERT_TRUE(h.client.connection().live());
    EXPECT_EQ(last_persisted(h)["resume_token"], next) << "persisted on the welcome, before anything else";
  }
}

TEST(SessionTakeover, AWelcomeNamingANewSessionIsAdoptedPersistedAndUsedFromThenOn) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  uint32_t conn = last_conn(h);
  h.feed(WsOpened{conn});
  EXPECT_EQ(last_hello(h)["session_id"], "conv-1");
  h.feed(WsFrame{conn, welcome_for("conv-2", "tok-2", false)});
  ASSERT_TRUE(h.client.connection().live());
  EXPECT_EQ(h.client.conversation_id(), "conv-2");
  bool conversation_kept = false;
  for (const auto& p : h.all_of<Persist>())
    if (p.key == Client::kConversationKey) conversation_kept = p.value == "conv-2";
  EXPECT_TRUE(conversation_kept) << "the next page of this tab starts from the adopted id";
  auto saved = last_persisted(h);
  EXPECT_EQ(saved["session_id"], "conv-2");
  EXPECT_EQ(saved["resume_token"], "tok-2");
  conn = reconnect(h, conn);
  auto hello = last_hello(h);
  EXPECT_EQ(hello["session_id"], "conv-2");
  EXPECT_EQ(hello["resume_token"], "tok-2");
  // A reload of this tab restores the adopted session.
  Config c = session_config();
  c.conversation_id = saved["session_id"].get<std::string>();
  c.resume_token = saved["resume_token"].get<std::string>();
  Harness next(c);
  next.feed(SessionWanted{});
  next.feed(WsOpened{last_conn(next)});
  EXPECT_EQ(last_hello(next)["session_id"], "conv-2");
}

TEST(SessionTakeover, AFreshSessionUnderANewIdResendsTheOutboxWithTheSameIds) {
  Config c = session_config();
  c.resume_token = "tok-old";  // a restored tab whose token no longer proves the session
  Harness h(c);
  h.feed(NetworkChanged{false});
  h.feed(SendClicked{"still there?"});
  const std::string mid = h.all_of<UserMessageShown>()[0].message_id;
  h.feed(NetworkChanged{true});
  const uint32_t conn = last_conn(h);
  h.feed(WsOpened{conn});
  h.feed(WsFrame{conn, welcome_for("conv-9", "tok-9", false)});
  EXPECT_EQ(h.all_of<NoticeShown>().size(), 1u) << "the shopper hears of the fresh start once";
  auto msgs = sent_frames(h, "msg");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(msgs[0])["message_id"], mid);
  EXPECT_EQ(last_persisted(h)["session_id"], "conv-9");
}

TEST(SessionTakeover, AnIdTheTabCouldNotKeepIsNotAdopted) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  const uint32_t conn = last_conn(h);
  h.feed(WsOpened{conn});
  h.feed(WsFrame{conn, welcome_for("not an id!", "tok-2", false)});
  EXPECT_TRUE(h.client.connection().live());
  EXPECT_EQ(h.client.conversation_id(), "conv-1");
  for (const auto& p : h.all_of<Persist>()) EXPECT_NE(p.key, Client::kConversationKey);
}

TEST(SessionTakeover, AWelcomeWithoutAUsableSessionIdIsIgnored) {
  for (const std::string bad : {std::string(""), std::string(257, 'x')}) {
    Harness h(session_config());
    h.feed(SessionWanted{});
    const uint32_t conn = last_conn(h);
    h.feed(WsOpened{conn});
    h.feed(WsFrame{conn, welcome_for(bad, "tok", false)});
    EXPECT_EQ(h.client.connection().state(), ConnState::ExpectWelcome) << bad.size();
    EXPECT_EQ(h.client.conversation_id(), "conv-1");
    EXPECT_EQ(h.client.stats().protocol_errors, 1u);
  }
}

}  // namespace
}  // namespace natter
