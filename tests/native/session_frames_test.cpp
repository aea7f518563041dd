// A live-session "event" frame carries an agent event in its `data`: the
// decoder reads that value in place (decode_agent_event_value), by the same
// rules as the SSE stream's text (agent_protocol_test.cpp).
#include <gtest/gtest.h>

#include <string>

#include "session/session_frames.hpp"

using namespace natter;

namespace {

// The frame's event, or a failed assertion naming the decoder's error.
ServerEvent event_frame(const std::string& name_and_data) {
  ServerFrame frame;
  const auto err = decode_server_frame_into(R"({"type":"event","seq":4,"reply_to":"m-1",)" + name_and_data + "}", frame);
  EXPECT_FALSE(err.has_value()) << (err ? err->code + ": " + err->detail : "");
  const auto* event = std::get_if<ServerEvent>(&frame);
  EXPECT_NE(event, nullptr);
  return event ? *event : ServerEvent{};
}

std::string error_of(const std::string& name_and_data) {
  ServerFrame frame;
  const auto err = decode_server_frame_into(R"({"type":"event","seq":4,"reply_to":"m-1",)" + name_and_data + "}", frame);
  return err ? err->code : "decoded";
}

const char* kProduct = R"({"id":"sku-1","name":"Trail shoe","price":59.99,"currency":"gbp","url":"https://shop.example/p/1"})";

}  // namespace

TEST(SessionFrames, AnEventFrameCarriesItsAgentEvent) {
  const ServerEvent e = event_frame(R"("event":"delta","data":{"text":"Hi **there**","extra":{"x":[1]}})");
  EXPECT_EQ(e.seq, 4u);
  EXPECT_EQ(e.reply_to, "m-1");
  EXPECT_EQ(std::get<AgentDelta>(e.event).text, "Hi **there**");
  EXPECT_TRUE(std::holds_alternative<AgentDone>(event_frame(R"("event":"done")").event));
  const auto card = std::get<AgentCard>(event_frame(std::string(R"("event":"card","data":{"product":)") + kProduct + "}").event);
  EXPECT_EQ(card.product_id, "sku-1");
  EXPECT_EQ(card.price, "59.99");
  EXPECT_EQ(card.currency, "GBP");
}

TEST(SessionFrames, AnEventFrameIsRefusedByTheStreamsRules) {
  for (const char* data : {"5", "null", "\"text\"", "[]"}) {
    EXPECT_EQ(error_of(std::string(R"("event":"delta","data":)") + data), "wrong_type") << data;
    EXPECT_EQ(error_of(std::string(R"("event":"done","data":)") + data), "wrong_type") << data;
  }
  EXPECT_EQ(error_of(R"("event":"delta")"), "wrong_type");  // no data: no text
  EXPECT_EQ(error_of(R"("event":"delta","data":{"text":7})"), "wrong_type");
  EXPECT_EQ(error_of(R"("event":"sing","data":{})"), "unknown_event");
  EXPECT_EQ(error_of(R"j("event":"card","data":{"product":{"id":"1","name":"X","price":"1","currency":"GBP","url":"javascript:alert(1)"}})j"),
            "unsafe_link");
}

TEST(SessionFrames, AVoiceTranscriptsProductsAreCardsAndAnUnsafeOneRefusesTheFrame) {
  const std::string head = R"("event":"voice.transcript","data":{"call_id":"c1","role":"agent","text":"Here","products":[)";
  const ServerEvent e = event_frame(head + kProduct + "]}");
  ASSERT_TRUE(e.voice.has_value());
  ASSERT_EQ(e.voice->products.size(), 1u);
  EXPECT_EQ(e.voice->products[0].name, "Trail shoe");
  EXPECT_EQ(e.voice->products[0].url, "https://shop.example/p/1");
  EXPECT_EQ(error_of(head + R"({"id":"2","name":"Y","price":"1","currency":"GBP","url":"data:text/html,x"}]})"),
            "unsafe_link");
}
