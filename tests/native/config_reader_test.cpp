// config_from_json (json_client.cpp): a field of the wrong type is named in
// the one error the first event reports, and keeps its default.
#include <gtest/gtest.h>

#include <string>

#include "boundary/json_client.hpp"

namespace natter {
namespace {

std::string error_of(const std::string& config) {
  std::string error;
  config_from_json(config, &error);
  return error;
}

TEST(ConfigReader, EachKindOfFieldNamesItsWrongType) {
  EXPECT_EQ(error_of(R"({"chat_url":5})"), "config 'chat_url' must be a string");
  EXPECT_EQ(error_of(R"({"max_text_chars":-1})"), "config 'max_text_chars' must be a non-negative integer");
  EXPECT_EQ(error_of(R"({"seed_hi":"xyz"})"), "config 'seed_hi' must be 1-16 hex digits");
  EXPECT_EQ(error_of(R"({"wall_now_ms":-5})"), "config 'wall_now_ms' must be a non-negative integer (ms since 1970)");
  EXPECT_EQ(error_of(R"({"outbox":{}})"), "config 'outbox' must be an array");
  EXPECT_EQ(error_of(R"({"last_event_seq":"7"})"), "config 'last_event_seq' must be a non-negative integer");
  EXPECT_EQ(error_of("[1]"), "config is not a JSON object");
}

TEST(ConfigReader, TheFirstWrongFieldIsTheErrorAndTheRestAreStillRead) {
  std::string error;
  const Config c = config_from_json(
      R"({"chat_url":5,"max_text_chars":"x","conversation_id":"c1","seed_lo":"ff","rtc":true,"outbox":[{"id":"m1"}]})", &error);
  EXPECT_EQ(error, "config 'chat_url' must be a string");
  EXPECT_EQ(c.chat_url, Config{}.chat_url);
  EXPECT_EQ(c.max_text_chars, Config{}.max_text_chars);
  EXPECT_EQ(c.conversation_id, "c1");
  EXPECT_EQ(c.seed_lo, 0xffu);
  EXPECT_TRUE(c.rtc);
  EXPECT_EQ(c.outbox_json, R"([{"id":"m1"}])");
}

TEST(ConfigReader, ARightConfigHasNoError) {
  EXPECT_EQ(error_of(R"({"chat_url":"/api/chat","max_text_chars":400,"seed_hi":"0a","wall_now_ms":1,"transcript":[]})"), "");
}

}  // namespace
}  // namespace natter
