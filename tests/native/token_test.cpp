// The shop's short-lived token (token_keeper.hpp): asked for before a
// connect or a chat POST, carried in hello.auth / Authorization, refreshed
// once on a refusal, backed off on a failed fetch, never persisted or logged.
#include <gtest/gtest.h>

#include "boundary/codec.hpp"
#include "session_harness.hpp"

namespace natter {
namespace {

using testing::go_live;
using testing::Harness;
using testing::last_conn;
using testing::reply_stream;
using testing::sent_frames;
using testing::session_config;
using testing::welcome;

constexpr const char* kTokenUrl = "https://shop.test/natter-token";
constexpr const char* kToken = "eyJzdWIiOiJzaG9wcGVyIn0.c2lnbmF0dXJl";

Config with_token(Config c) {
  c.token_url = kTokenUrl;
  return c;
}

uint32_t last_token_request(const Harness& h) {
  auto r = h.all_of<TokenRequested>();
  return r.empty() ? 0 : r.back().request_id;
}

// Answers the newest token request with `token`, valid for `seconds`.
void give_token(Harness& h, const std::string& token = kToken, int64_t seconds = 300) {
  h.feed(TokenReceived{last_token_request(h), token, seconds});
}

// Session wanted, token given, socket open and welcomed: the live session
// with a token. Returns the socket's conn_id.
uint32_t live_with_token(Harness& h) {
  h.feed(SessionWanted{});
  give_token(h);
  const uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome()});
  return id;
}

// Everything the core emitted that a support dump or the tab's storage
// would keep: log lines and persisted blobs.
std::string kept_text(const Harness& h) {
  std::string out;
  for (const auto& l : h.all_of<Log>()) out += l.text + "\n";
  for (const auto& p : h.all_of<Persist>()) out += p.value + "\n";
  return out;
}

TEST(Token, the_session_asks_the_shop_for_a_token_before_connecting_and_sends_it_in_the_hello) {
  Harness h(with_token(session_config()));
  auto first = h.feed(SessionWanted{});
  EXPECT_TRUE(Harness::of<WsConnect>(first).empty()) << "no socket before the token";
  ASSERT_EQ(Harness::of<TokenRequested>(first).size(), 1u);
  EXPECT_EQ(Harness::of<TokenRequested>(first)[0].url, kTokenUrl);
  EXPECT_EQ(h.client.connection().state(), ConnState::ExpectToken);
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "connecting");

  give_token(h);
  ASSERT_EQ(h.all_of<WsConnect>().size(), 1u);
  h.feed(WsOpened{last_conn(h)});
  auto hello = nlohmann::json::parse(sent_frames(h, "hello").at(0));
  EXPECT_EQ(hello["auth"], kToken);
}

TEST(Token, a_chat_post_waits_for_the_token_and_carries_it_as_a_bearer_header) {
  Harness h(with_token(Harness::default_config()));
  h.feed(SendClicked{"is the blue one in stock?"});
  EXPECT_TRUE(h.requests().empty()) << "no POST before the token";
  ASSERT_EQ(h.all_of<TokenRequested>().size(), 1u);
  give_token(h);
  ASSERT_EQ(h.requests().size(), 1u);
  EXPECT_EQ(Harness::header(h.last_request(), "Authorization"), std::string("Bearer ") + kToken);
  h.answer(h.last_request().request_id, reply_stream("yes"));
  EXPECT_TRUE(h.all_of<AgentReplyUpdated>().back().done);

  // A second message reuses the token while it is fresh: no second fetch.
  h.now += 60000;
  h.feed(SendClicked{"and the red one?"});
  EXPECT_EQ(h.all_of<TokenRequested>().size(), 1u);
  EXPECT_EQ(h.requests().size(), 2u);
}

TEST(Token, a_refused_token_is_refreshed_once_then_the_session_fails_with_credentials_refused) {
  Harness h(with_token(session_config()));
  h.feed(SessionWanted{});
  give_token(h);
  uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsClosed{id, 4003, "unauthorized", true});
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "reconnecting");
  h.advance_to_deadline();
  ASSERT_EQ(h.all_of<TokenRequested>().size(), 2u) << "the refused token is dropped, a fresh one fetched";
  give_token(h, "fresh-token", 300);
  id = last_conn(h);
  h.feed(WsOpened{id});
  EXPECT_EQ(nlohmann::json::parse(sent_frames(h, "hello").back())["auth"], "fresh-token");
  h.feed(WsClosed{id, 4003, "unauthorized", true});
  EXPECT_EQ(h.all_of<StatusChanged>().back().code, "credentials_refused");
  EXPECT_EQ(h.client.connection().state(), ConnState::Failed);
  EXPECT_FALSE(h.client.next_deadline().has_value()) << "no retry after the second refusal";
  h.feed(RetryNowClicked{});
  EXPECT_EQ(h.all_of<TokenRequested>().size(), 3u) << "Retry now never offers the refused token again";
  EXPECT_EQ(h.client.connection().state(), ConnState::ExpectToken);
}

TEST(Token, a_refusal_right_after_a_drop_is_not_taken_for_a_proxy_that_drops_sockets) {
  Harness h(with_token(session_config()));
  uint32_t id = live_with_token(h);
  h.now += 500;
  h.feed(WsClosed{id, 1006, "", true});  // a quick drop (server restart)
  h.advance_to_deadline();
  id = last_conn(h);
  h.feed(WsOpened{id});
  h.now += 10;
  h.feed(WsClosed{id, 4003, "unauthorized: token expired", true});
  EXPECT_EQ(h.all_of<StatusChanged>().back().diagnosis_code, "");
  h.advance_to_deadline();
  EXPECT_EQ(h.all_of<TokenRequested>().size(), 2u) << "the reconnect fetches a fresh token";
}

TEST(Token, a_401_on_chat_refreshes_the_token_once_then_fails_the_message_as_not_authorised) {
  Harness h(with_token(Harness::default_config()));
  h.feed(SendClicked{"hello"});
  give_token(h, "old-token");
  h.feed(HttpResponded{h.last_request().request_id, 401, -1});
  ASSERT_EQ(h.all_of<TokenRequested>().size(), 2u);
  give_token(h, "new-token");
  ASSERT_EQ(h.requests().size(), 2u);
  EXPECT_EQ(Harness::header(h.last_request(), "Authorization"), "Bearer new-token");
  EXPECT_EQ(Harness::header(h.last_request(), "Idempotency-Key"), Harness::header(h.requests()[0], "Idempotency-Key"));
  h.feed(HttpResponded{h.last_request().request_id, 401, -1});
  auto d = h.all_of<DeliveryChanged>().back();
  EXPECT_EQ(d.state, "failed");
  EXPECT_EQ(d.reason, "not_authorised");
  EXPECT_EQ(h.all_of<TokenRequested>().size(), 2u);
  h.feed(RetryClicked{d.message_id});
  EXPECT_EQ(h.all_of<TokenRequested>().size(), 3u) << "Retry fetches a fresh token: the refused one is gone";
  EXPECT_EQ(h.requests().size(), 2u);
}

TEST(Token, a_token_expiring_within_30_s_is_fetched_again_before_the_next_connect) {
  Harness h(with_token(session_config()));
  h.feed(SessionWanted{});
  give_token(h, kToken, 60);
  uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome()});
  h.now += 31000;  // 29 s of the token left
  h.feed(WsClosed{id, 1006, "", true});
  h.advance_to_deadline();
  EXPECT_EQ(h.all_of<TokenRequested>().size(), 2u);
  EXPECT_EQ(h.client.connection().state(), ConnState::ExpectToken);
  EXPECT_EQ(h.all_of<WsConnect>().size(), 1u);
  give_token(h, "renewed", 300);
  EXPECT_EQ(h.all_of<WsConnect>().size(), 2u);

  // A token with plenty left is reused: the next drop reconnects at once.
  id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome()});
  h.feed(WsClosed{id, 1006, "", true});
  h.advance_to_deadline();
  EXPECT_EQ(h.all_of<TokenRequested>().size(), 2u);
  EXPECT_EQ(h.all_of<WsConnect>().size(), 3u);
}

TEST(Token, a_stale_token_answer_is_ignored) {
  Harness h(with_token(session_config()));
  h.feed(SessionWanted{});
  const uint32_t first = last_token_request(h);
  h.feed(RetryNowClicked{});  // asks afresh: the first fetch is stale now
  const uint32_t second = last_token_request(h);
  ASSERT_NE(first, second);
  h.feed(TokenReceived{first, "stale-token", 300});
  EXPECT_TRUE(h.all_of<WsConnect>().empty());
  EXPECT_EQ(h.client.connection().state(), ConnState::ExpectToken);
  h.feed(TokenFailed{first, 500, "HTTP 500"});
  EXPECT_EQ(h.client.connection().state(), ConnState::ExpectToken) << "a stale failure changes nothing either";
  h.feed(TokenReceived{second, "good-token", 300});
  ASSERT_EQ(h.all_of<WsConnect>().size(), 1u);
  h.feed(WsOpened{last_conn(h)});
  EXPECT_EQ(nlohmann::json::parse(sent_frames(h, "hello").back())["auth"], "good-token");
}

TEST(Token, a_failed_token_fetch_backs_off_and_never_loops_hot) {
  Harness h(with_token(session_config()));
  h.feed(SessionWanted{});
  std::vector<int64_t> asked_at{h.now};
  for (int i = 0; i < 6; ++i) {
    h.feed(TokenFailed{last_token_request(h), 503, ""});
    EXPECT_EQ(h.all_of<StatusChanged>().back().state, "reconnecting");
    EXPECT_TRUE(h.client.timers().armed(TimerName::Reconnect));
    ASSERT_TRUE(h.advance_to_deadline());
    asked_at.push_back(h.now);
  }
  EXPECT_EQ(h.all_of<TokenRequested>().size(), 7u);
  EXPECT_TRUE(h.all_of<WsConnect>().empty());
  // After the first retry (spread over [0, 1.2 s)) every fetch waits at least the minimum back-off.
  for (size_t i = 2; i < asked_at.size(); ++i) EXPECT_GE(asked_at[i] - asked_at[i - 1], 100) << "fetch " << i;
  EXPECT_GE(h.count_logs(std::string("token endpoint ") + kTokenUrl +
                         " failed (HTTP 503): retrying with back-off"), 6u);

  // A fetch that never answers times out into the same back-off.
  Harness t(with_token(session_config()));
  t.feed(SessionWanted{});
  ASSERT_TRUE(t.advance_to_deadline());  // the connect timeout
  EXPECT_EQ(t.client.connection().state(), ConnState::Backoff);
  t.feed(TokenReceived{last_token_request(t), kToken, 300});
  EXPECT_TRUE(t.all_of<WsConnect>().empty()) << "the timed-out fetch's late answer is stale";
}

TEST(Token, a_failed_token_fetch_is_a_transient_failure_for_a_chat_message) {
  Harness h(with_token(Harness::default_config()));
  h.feed(SendClicked{"hello"});
  h.feed(TokenFailed{last_token_request(h), 0, "network error"});
  EXPECT_EQ(h.all_of<DeliveryChanged>().back().state, "retrying");
  EXPECT_TRUE(h.requests().empty());
  ASSERT_TRUE(h.advance_to_deadline());
  EXPECT_EQ(h.all_of<TokenRequested>().size(), 2u);
  give_token(h);
  EXPECT_EQ(h.requests().size(), 1u);
}

TEST(Token, an_unusable_token_answer_is_a_failed_fetch_that_never_echoes_the_value) {
  Harness h(with_token(session_config()));
  h.feed(SessionWanted{});
  h.feed(TokenReceived{last_token_request(h), "has space secret-part", 300});
  EXPECT_EQ(h.client.connection().state(), ConnState::Backoff);
  EXPECT_EQ(kept_text(h).find("secret-part"), std::string::npos);
  h.advance_to_deadline();
  h.feed(TokenReceived{last_token_request(h), kToken, 0});
  EXPECT_EQ(h.client.connection().state(), ConnState::Backoff) << "expires_in must be positive";
}

TEST(Token, the_token_is_never_persisted_or_logged) {
  Harness h(with_token(session_config()));
  uint32_t id = live_with_token(h);
  h.feed(SendClicked{"where is my order?"});
  h.feed(WsClosed{id, 4003, "unauthorized", true});
  h.advance_to_deadline();
  give_token(h, "second-token-value");
  ASSERT_FALSE(h.all_of<Persist>().empty()) << "the session blob was written";
  const std::string kept = kept_text(h);
  EXPECT_EQ(kept.find(kToken), std::string::npos);
  EXPECT_EQ(kept.find("second-token-value"), std::string::npos);

  Harness http(with_token(Harness::default_config()));
  http.feed(SendClicked{"hi"});
  give_token(http);
  http.feed(HttpResponded{http.last_request().request_id, 401, -1});
  give_token(http, "second-token-value");
  http.answer(http.last_request().request_id, reply_stream("hello"));
  ASSERT_FALSE(http.all_of<Log>().empty());
  EXPECT_EQ(kept_text(http).find(kToken), std::string::npos);
  EXPECT_EQ(kept_text(http).find("second-token-value"), std::string::npos);
}

TEST(Token, without_a_token_url_nothing_asks_for_or_carries_a_token) {
  Harness s(session_config());
  go_live(s);
  EXPECT_TRUE(s.all_of<TokenRequested>().empty());
  EXPECT_FALSE(nlohmann::json::parse(sent_frames(s, "hello").at(0)).contains("auth"));
  Harness h;
  h.feed(SendClicked{"hi"});
  EXPECT_TRUE(h.all_of<TokenRequested>().empty());
  EXPECT_EQ(Harness::header(h.last_request(), "Authorization"), "");
  h.feed(HttpResponded{h.last_request().request_id, 401, -1});
  EXPECT_EQ(h.all_of<DeliveryChanged>().back().reason, "not_authorised") << "no refresh without a token endpoint";
}

TEST(Token, the_codec_carries_token_events_and_the_request_effect) {
  Event decoded;
  ASSERT_FALSE(decode_event_into(R"({"type":"token_received","request_id":7,"token":"abc","expires_in_s":300})", decoded));
  auto received = std::get<TokenReceived>(decoded);
  EXPECT_EQ(received.request_id, 7u);
  EXPECT_EQ(received.token, "abc");
  EXPECT_EQ(received.expires_in_s, 300);
  ASSERT_FALSE(decode_event_into(R"({"type":"token_failed","request_id":8,"status":401,"reason":"HTTP 401"})", decoded));
  auto failed = std::get<TokenFailed>(decoded);
  EXPECT_EQ(failed.status, 401);
  EXPECT_EQ(failed.reason, "HTTP 401");
  auto bad = decode_event_into(R"({"type":"token_received","request_id":7,"token":5,"expires_in_s":300})", decoded);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->code, "wrong_type");
  EXPECT_EQ(encode_effect(TokenRequested{3, kTokenUrl}).dump(),
            R"({"request_id":3,"type":"token_requested","url":"https://shop.test/natter-token"})");
  EXPECT_EQ(encode_event(TokenFailed{8, 401, "HTTP 401"}).dump(),
            R"({"reason":"HTTP 401","request_id":8,"status":401,"type":"token_failed"})");
}

}  // namespace
}  // namespace natter
