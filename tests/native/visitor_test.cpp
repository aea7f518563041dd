// natter('identify', value)'s checks (visitor.hpp), through the client: a
// bad value logs exactly one error naming the key, never the value, and
// changes nothing.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace natter::testing {
namespace {

// Feeds one identify and returns the error lines it logged.
std::vector<std::string> errors_of(Harness& h, const std::string& value_json) {
  std::vector<std::string> out;
  for (const auto& l : Harness::of<Log>(h.feed(HostIdentify{value_json})))
    if (l.level == "error") out.push_back(l.text);
  return out;
}

struct BadValue {
  const char* value;
  const char* starts;  // the error's start: "identify: <key> …"
};

class RefusedVisitor : public ::testing::TestWithParam<BadValue> {};

TEST_P(RefusedVisitor, LogsOneErrorNamingTheKeyAndKeepsTheVisitor) {
  Harness h;
  h.feed(HostIdentify{R"({"id":"u-1","name":"Ana"})"});
  const auto before = h.client.identity().visitor();
  const auto errors = errors_of(h, GetParam().value);
  ASSERT_EQ(errors.size(), 1u) << GetParam().value;
  EXPECT_EQ(errors[0].rfind(GetParam().starts, 0), 0u) << errors[0];
  EXPECT_NE(errors[0].find("the visitor was not changed"), std::string::npos);
  EXPECT_EQ(errors[0].find("bad@@"), std::string::npos) << "the value is never echoed";
  EXPECT_EQ(h.client.identity().visitor(), before);
}

std::string chars(std::size_t n) { return std::string(n, 'a'); }
const std::string kLongId = R"({"id":")" + chars(129) + "\"}";
const std::string kLongName = R"({"name":")" + chars(101) + "\"}";
const std::string kLongEmail = R"({"email":")" + chars(250) + "@x.com\"}";

INSTANTIATE_TEST_SUITE_P(
    EachRule, RefusedVisitor,
    ::testing::Values(BadValue{R"({"id":42})", "identify: id must be a string"},
                      BadValue{kLongId.c_str(), "identify: id must be at most 128 characters"},
                      BadValue{R"({"id":"a\u0007b"})", "identify: id must not contain control characters"},
                      BadValue{R"({"name":["Ana"]})", "identify: name must be a string"},
                      BadValue{kLongName.c_str(), "identify: name must be at most 100 characters"},
                      BadValue{R"({"name":"Ana\nBob"})", "identify: name must not contain control characters"},
                      BadValue{kLongEmail.c_str(), "identify: email must be at most 254 characters"},
                      BadValue{R"({"email":"bad@@x.com"})", "identify: email is not an email address"},
                      BadValue{R"({"email":"ana.example.com"})", "identify: email is not an email address"},
                      BadValue{R"({"email":"@example.com"})", "identify: email is not an email address"},
                      BadValue{R"({"email":"ana@"})", "identify: email is not an email address"},
                      BadValue{R"({"email":"ana@localhost"})", "identify: email is not an email address"},
                      BadValue{R"({"email":"ana@example."})", "identify: email is not an email address"},
                      BadValue{R"({"email":"a na@x.com"})", "identify: email is not an email address"},
                      BadValue{R"({"id":"u-1","phone":"555"})", "identify: unknown key \"phone\""},
                      BadValue{"{}", "identify: give at least one of id, name, email"},
                      BadValue{R"({"id":"  ","name":"","email":null})", "identify: give at least one of id, name, email"},
                      BadValue{R"("ana@example.com")", "identify: expected an object {id, name, email}"},
                      BadValue{"[]", "identify: expected an object {id, name, email}"},
                      BadValue{"", "identify: expected an object {id, name, email}"}));

TEST(Visitor, ValuesAreTrimmedAndNullOrAbsentKeysAreNotGiven) {
  Harness h;
  EXPECT_TRUE(errors_of(h, R"({"id":"  u-1 ","name":" Ana ","email":null})").empty());
  ASSERT_TRUE(h.client.identity().visitor().has_value());
  EXPECT_EQ(h.client.identity().visitor()->id, "u-1");
  EXPECT_EQ(h.client.identity().visitor()->name, "Ana");
  EXPECT_EQ(h.client.identity().visitor()->email, "");
  EXPECT_EQ(h.client.identity().json_text(), R"({"id":"u-1","name":"Ana"})");
}

TEST(Visitor, LimitsAreInclusiveAndCountedLikeJavaScript) {
  Harness h;
  // 100 "é" are 200 bytes but 100 characters; 128 for the id; 254 for the email.
  std::string name;
  for (int i = 0; i < 100; ++i) name += "\xC3\xA9";
  const std::string email = chars(248) + "@x.com";
  ASSERT_EQ(email.size(), 254u);
  EXPECT_TRUE(errors_of(h, R"({"id":")" + chars(128) + R"(","name":")" + name + R"(","email":")" + email + "\"}").empty());
  EXPECT_TRUE(h.client.identity().visitor().has_value());
}

TEST(Visitor, NullForgetsAndForgettingNobodyIsHarmless) {
  Harness h;
  EXPECT_TRUE(errors_of(h, "null").empty());
  EXPECT_FALSE(h.client.identity().visitor().has_value());
  h.feed(HostIdentify{R"({"email":"ana@example.com"})"});
  ASSERT_TRUE(h.client.identity().visitor().has_value());
  EXPECT_TRUE(errors_of(h, "null").empty());
  EXPECT_FALSE(h.client.identity().visitor().has_value());
}

}  // namespace
}  // namespace natter::testing
