// The conversation's HTTP secret (docs/protocol.md, "conversation_key"):
// minted by the core from the host's randomness with the conversation, sent
// with every POST (retries included) and every hello, persisted with the
// conversation in both transports, and restored on the next page, so a
// reload goes on proving the conversation is this tab's.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "session_harness.hpp"

namespace natter {
namespace {

using namespace natter::testing;

std::string key_in(const std::string& json_text) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  return j.is_object() && j.contains("conversation_key") && j["conversation_key"].is_string()
             ? j["conversation_key"].get<std::string>() : "";
}

bool hex48(const std::string& s) {
  return s.size() == 48 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(ConversationKey, IsMintedFromTheHostsRandomnessAndSentWithEveryPostRetriesIncluded) {
  Harness h;
  auto fx = h.feed(EnterPressed{"hello"});
  auto reqs = Harness::of<HttpRequest>(fx);
  ASSERT_EQ(reqs.size(), 1u);
  const std::string key = key_in(reqs[0].body);
  EXPECT_TRUE(hex48(key)) << reqs[0].body;
  EXPECT_EQ(key.find(h.client.conversation_id().substr(0, 8)), std::string::npos) << "not the id";
  h.feed(HttpResponded{reqs[0].request_id, 503, -1});
  while (h.all_of<HttpRequest>().size() < 2 && h.advance_to_deadline()) {}
  auto all = h.all_of<HttpRequest>();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(key_in(all[1].body), key) << "a retry carries the same key";

  Config other = Harness::default_config();
  other.seed_lo = 0x9999;
  Harness h2{other};
  auto fx2 = h2.feed(EnterPressed{"hello"});
  EXPECT_NE(key_in(Harness::of<HttpRequest>(fx2).at(0).body), key) << "other randomness, another key";
}

TEST(ConversationKey, IsPersistedAndARestoredKeyIsSentOnTheNextPageOverHttp) {
  Harness first;
  auto fx = first.feed(EnterPressed{"hello"});
  const std::string key = key_in(Harness::of<HttpRequest>(fx).at(0).body);
  auto blob = nlohmann::json::parse(first.all_of<Persist>().back().value);
  EXPECT_EQ(blob["conversation_key"], key);

  Config next = Harness::default_config();
  next.conversation_id = blob["session_id"].get<std::string>();
  next.conversation_key = blob["conversation_key"].get<std::string>();
  next.seed_lo = 0x9999;  // a new page: new randomness
  Harness second{next};
  fx = second.feed(EnterPressed{"again"});
  EXPECT_EQ(key_in(Harness::of<HttpRequest>(fx).at(0).body), key);
  EXPECT_EQ(key_in(second.all_of<Persist>().back().value), key);
}

TEST(ConversationKey, RidesEveryHelloAndIsPersistedWithTheSession) {
  Config c = session_config();
  c.conversation_key = std::string(48, 'a');
  Harness h{c};
  go_live(h);
  auto hellos = sent_frames(h, "hello");
  ASSERT_EQ(hellos.size(), 1u);
  EXPECT_EQ(key_in(hellos[0]), c.conversation_key);
  h.feed(EnterPressed{"hi"});
  EXPECT_EQ(key_in(h.all_of<Persist>().back().value), c.conversation_key);
}

TEST(ConversationKey, TwoTabsGetDifferentKeys) {
  std::set<std::string> keys;
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    Config c = Harness::default_config();
    c.seed_hi = seed;
    Harness h{c};
    keys.insert(key_in(Harness::of<HttpRequest>(h.feed(EnterPressed{"x"})).at(0).body));
  }
  EXPECT_EQ(keys.size(), 50u);
}

}  // namespace
}  // namespace natter
