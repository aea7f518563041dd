// A voice call's live transcript in the core (voice_call.hpp on_transcript):
// voice.transcript session events become voice bubbles (partial replaced by
// final), the spoken answer's cards, host `message` events with a voice flag,
// and entries of the transcript the next page restores; applied once and in
// seq order like every session event.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "session_harness.hpp"

namespace natter::testing {
namespace {

std::string voice_event(uint64_t seq, const std::string& id, const std::string& role, const std::string& text,
                        bool final, bool cut = false, const std::string& products = "") {
  nlohmann::json data = {{"call_id", "call-1"}, {"role", role}, {"text", text}, {"final", final}, {"cut", cut}};
  if (!products.empty()) data["products"] = nlohmann::json::parse(products);
  return event(seq, id, "voice.transcript", data.dump());
}

const char* kProducts =
    R"j([{"id":"forza","name":"Forza Horizon 5 (Xbox)","price":"29.99","currency":"GBP","url":"https://shop.test/forza"}])j";

std::vector<nlohmann::json> messages(const Harness& h) {
  std::vector<nlohmann::json> out;
  for (const auto& e : h.all_of<HostEvent>())
    if (e.name == "message") out.push_back(nlohmann::json::parse(e.payload));
  return out;
}

Config next_page_config(const Harness& h) {
  auto saved = nlohmann::json::parse(h.all_of<Persist>().back().value);
  Config c = session_config();
  c.resume_token = saved["resume_token"].get<std::string>();
  c.last_event_seq = saved["last_event_seq"].get<uint64_t>();
  c.transcript_json = saved["transcript"].dump();
  return c;
}

TEST(VoiceTranscript, ShopperWordsAndTheAgentsAnswerBecomeBubblesWithCardsAndHostMessages) {
  Harness h{session_config()};
  const uint32_t conn = go_live(h);
  auto fx = h.feed(WsFrame{conn, voice_event(1, "voice-call-1-1", "shopper", "do you have xbox games", true)});
  auto shown = Harness::of<VoiceTranscriptShown>(fx);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].id, "voice-call-1-1");
  EXPECT_EQ(shown[0].role, "shopper");
  EXPECT_TRUE(shown[0].final);

  fx = h.feed(WsFrame{conn, voice_event(2, "voice-call-1-a1", "agent", "We have Forza.", false, false, kProducts)});
  shown = Harness::of<VoiceTranscriptShown>(fx);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_FALSE(shown[0].final);
  auto cards = Harness::of<ProductCardShown>(fx);
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].reply_to, "voice-call-1-a1");
  EXPECT_EQ(cards[0].name, "Forza Horizon 5 (Xbox)");
  EXPECT_EQ(messages(h).size(), 1u) << "a partial is not a message yet";

  fx = h.feed(WsFrame{conn, voice_event(3, "voice-call-1-a1", "agent", "We have Forza.", true, false, kProducts)});
  EXPECT_TRUE(Harness::of<ProductCardShown>(fx).empty()) << "a card is shown once per bubble";
  auto m = messages(h);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], nlohmann::json::parse(
                      R"({"role":"user","message_id":"voice-call-1-1","text":"do you have xbox games","voice":true,"call_id":"call-1"})"));
  EXPECT_EQ(m[1], nlohmann::json::parse(
                      R"({"role":"agent","reply_to":"voice-call-1-a1","text":"We have Forza.","cut":false,"voice":true,"call_id":"call-1"})"));
}

TEST(VoiceTranscript, ABargeInCutReplacesThePartialAndIsMarkedCut) {
  Harness h{session_config()};
  const uint32_t conn = go_live(h);
  h.feed(WsFrame{conn, voice_event(1, "voice-call-1-a1", "agent", "Hi, welcome to the shop!", false)});
  auto fx = h.feed(WsFrame{conn, voice_event(2, "voice-call-1-a1", "agent", "Hi, welcome", true, true)});
  auto shown = Harness::of<VoiceTranscriptShown>(fx);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].text, "Hi, welcome");
  EXPECT_TRUE(shown[0].cut);
  EXPECT_EQ(messages(h).back()["cut"], true);
}

TEST(VoiceTranscript, AReplayedEventIsAppliedOnceAndOneAheadOfAGapWaits) {
  Harness h{session_config()};
  const uint32_t conn = go_live(h);
  h.feed(WsFrame{conn, voice_event(1, "voice-call-1-1", "shopper", "hello", true)});
  auto fx = h.feed(WsFrame{conn, voice_event(1, "voice-call-1-1", "shopper", "hello", true)});
  EXPECT_TRUE(Harness::of<VoiceTranscriptShown>(fx).empty());
  fx = h.feed(WsFrame{conn, voice_event(3, "voice-call-1-a1", "agent", "Hi.", true)});
  EXPECT_TRUE(Harness::of<VoiceTranscriptShown>(fx).empty()) << "waits for seq 2";
  fx = h.feed(WsFrame{conn, voice_event(2, "voice-call-1-a1", "agent", "Hi.", false)});
  auto shown = Harness::of<VoiceTranscriptShown>(fx);
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_FALSE(shown[0].final);
  EXPECT_TRUE(shown[1].final);
  EXPECT_EQ(messages(h).size(), 2u);
}

TEST(VoiceTranscript, BadFramesAreRefusedAndNothingIsShown) {
  Harness h{session_config()};
  const uint32_t conn = go_live(h);
  const char* unsafe = R"j([{"id":"x","name":"X","price":"1.00","currency":"GBP","url":"javascript:alert(1)"}])j";
  auto fx = h.feed(WsFrame{conn, voice_event(1, "voice-call-1-a1", "agent", "Look.", true, false, unsafe)});
  EXPECT_TRUE(Harness::of<VoiceTranscriptShown>(fx).empty());
  fx = h.feed(WsFrame{conn, event(1, "voice-call-1-1", "voice.transcript", R"({"call_id":"c","role":"robot","text":"x"})")});
  EXPECT_TRUE(Harness::of<VoiceTranscriptShown>(fx).empty());
  fx = h.feed(WsFrame{conn, voice_event(1, "voice-call-1-1", "shopper", std::string(4001, 'a'), true)});
  EXPECT_TRUE(Harness::of<VoiceTranscriptShown>(fx).empty());
  EXPECT_EQ(h.client.stats().protocol_errors, 3u);
}

TEST(VoiceTranscript, FinalBubblesFollowTheShopperToTheNextPageWithTheirCards) {
  Harness first{session_config()};
  const uint32_t conn = go_live(first);
  first.feed(WsFrame{conn, voice_event(1, "voice-call-1-1", "shopper", "do you have xbox games", true)});
  first.feed(WsFrame{conn, voice_event(2, "voice-call-1-a1", "agent", "We have Forza.", false, false, kProducts)});
  first.feed(WsFrame{conn, voice_event(3, "voice-call-1-a1", "agent", "We have", true, true)});
  first.feed(WsFrame{conn, voice_event(4, "voice-call-1-a2", "agent", "Still speaking", false)});  // not final: not kept

  Harness next{next_page_config(first)};
  auto fx = next.feed(SessionWanted{});
  auto shown = Harness::of<VoiceTranscriptShown>(fx);
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(shown[0].role, "shopper");
  EXPECT_EQ(shown[0].text, "do you have xbox games");
  EXPECT_EQ(shown[1].id, "voice-call-1-a1");
  EXPECT_EQ(shown[1].text, "We have");
  EXPECT_TRUE(shown[1].final);
  EXPECT_TRUE(shown[1].cut);
  auto cards = Harness::of<ProductCardShown>(fx);
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_EQ(cards[0].reply_to, "voice-call-1-a1");
  EXPECT_TRUE(Harness::of<UserMessageShown>(fx).empty()) << "voice entries are not shown as typed messages";
  EXPECT_TRUE(Harness::of<AgentReplyUpdated>(fx).empty());
}

}  // namespace
}  // namespace natter::testing
