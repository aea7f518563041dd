// JSON from the network is refused, as a value, when it is too big, too
// deep or not JSON; nothing here may throw (the WASM build has no
// exceptions).
#include <gtest/gtest.h>

#include <string>

#include "boundary/json_limits.hpp"

namespace natter {
namespace {

std::string nested_arrays(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonLimits, AnObjectWithinTheLimitsParses) {
  const JsonResult r = parse_json_limited(R"({"text": "hi", "n": [1, 2.5, null]})");
  ASSERT_TRUE(r.ok()) << r.error_code;
  EXPECT_EQ(r.value["text"], "hi");
  EXPECT_EQ(r.value["n"].size(), 3u);
}

TEST(JsonLimits, DefaultsAreTheProtocolsLimits) {
  const JsonLimits limits;
  EXPECT_EQ(limits.max_bytes, 64u * 1024u);
  EXPECT_EQ(limits.max_depth, 16);
}

TEST(JsonLimits, TextOverTheByteLimitIsRefusedBeforeParsing) {
  JsonLimits limits;
  limits.max_bytes = 10;
  EXPECT_TRUE(parse_json_limited(R"({"a":1234})", limits).ok());  // exactly 10 bytes
  EXPECT_EQ(parse_json_limited(R"({"a":12345})", limits).error_code, "too_large");
  // Not even looked at: garbage over the limit is too large, not malformed.
  EXPECT_EQ(parse_json_limited("not json at all", limits).error_code, "too_large");
}

TEST(JsonLimits, DefaultByteLimitRefusesAFrameOfMoreThan64KiB) {
  const std::string big = "\"" + std::string(64 * 1024, 'x') + "\"";
  EXPECT_EQ(parse_json_limited(big).error_code, "too_large");
  EXPECT_TRUE(parse_json_limited(big.substr(0, 64 * 1024 - 1) + "\"").ok());
}

TEST(JsonLimits, NestingAtTheDepthLimitParsesAndOneDeeperIsTooDeep) {
  EXPECT_TRUE(parse_json_limited(nested_arrays(16)).ok());
  const JsonResult r = parse_json_limited(nested_arrays(17));
  EXPECT_EQ(r.error_code, "too_deep");
  EXPECT_TRUE(r.value.is_null());
}

TEST(JsonLimits, ObjectsCountTowardsDepthLikeArrays) {
  JsonLimits limits;
  limits.max_depth = 2;
  EXPECT_TRUE(parse_json_limited(R"({"a": {"b": 1}})", limits).ok());
  EXPECT_EQ(parse_json_limited(R"({"a": {"b": [1]}})", limits).error_code, "too_deep");
  EXPECT_EQ(parse_json_limited(R"([{"b": {}}])", limits).error_code, "too_deep");
}

TEST(JsonLimits, ThirtyThousandOpenBracketsAreTooDeepNotACrash) {
  EXPECT_EQ(parse_json_limited(std::string(30000, '[')).error_code, "too_deep");
  EXPECT_EQ(parse_json_limited(std::string(30000, '{')).error_code, "malformed");  // a key must come first
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
  EXPECT_EQ(parse_json_limited(objects).error_code, "too_deep");
}

TEST(JsonLimits, TruncatedJsonIsMalformed) {
  const std::string frame = R"({"text":"hello","more":[1,2]})";
  for (std::size_t n = 0; n < frame.size(); ++n) {
    const JsonResult r = parse_json_limited(frame.substr(0, n));
    EXPECT_EQ(r.error_code, "malformed") << frame.substr(0, n);
    EXPECT_TRUE(r.value.is_null());
  }
}

TEST(JsonLimits, NotQuiteJsonIsMalformed) {
  for (const char* text : {"", " ", "{} x", "{'a': 1}", "{\"a\": NaN}", "[1,]", "{\"a\" 1}", "/* c */ {}",
                           "1e400", "\"\\ud800\"", "\"tab\there\"", "\"\xff\xfe\""})
    EXPECT_EQ(parse_json_limited(text).error_code, "malformed") << text;
}

TEST(JsonLimits, ScalarsParseAndTheirTypeIsTheCallersToCheck) {
  EXPECT_TRUE(parse_json_limited("42").value.is_number_integer());
  EXPECT_TRUE(parse_json_limited("\"s\"").value.is_string());
  EXPECT_TRUE(parse_json_limited("null").ok());
}

TEST(JsonLimits, TextNeedNotBeNulTerminated) {
  const std::string buffer = R"({"a":1}garbage)";
  EXPECT_TRUE(parse_json_limited(std::string_view(buffer).substr(0, 7)).ok());
}

}  // namespace
}  // namespace natter
