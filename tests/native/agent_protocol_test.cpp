// The agent's events are untrusted JSON: good ones come out as checked
// values, everything else as a ProtocolError with a stable code.
#include <gtest/gtest.h>

#include <string>

#include "chat/agent_protocol.hpp"
#include "base/text_limits.hpp"

namespace natter {
namespace {

// The refusal code, or "" when the event decoded.
std::string code_of(const DecodedAgentEvent& d) {
  const auto* e = std::get_if<ProtocolError>(&d);
  return e ? e->code : "";
}

template <typename T>
T event_of(const DecodedAgentEvent& d) {
  const auto* ev = std::get_if<AgentEvent>(&d);
  EXPECT_NE(ev, nullptr) << "refused: " << code_of(d) << " " << std::get<ProtocolError>(d).detail;
  const T* t = ev ? std::get_if<T>(ev) : nullptr;
  EXPECT_NE(t, nullptr) << "decoded to another event type";
  return t ? *t : T{};
}

std::string card_json(const std::string& fields) {
  return R"({"product": {"id": "sku-1", "name": "Astro Bot", "currency": "GBP", "price": "59.99",)"
         R"( "url": "https://shop.example/p/1")" + fields + "}}";
}

TEST(AgentProtocol, StartDeltaDoneAndErrorDecodeTheirFields) {
  EXPECT_EQ(event_of<AgentStart>(decode_agent_event("start", R"({"reply_id": "r1"})")).reply_id, "r1");
  EXPECT_EQ(event_of<AgentDelta>(decode_agent_event("delta", R"({"text": "Hi **there**"})")).text, "Hi **there**");
  event_of<AgentDone>(decode_agent_event("done", "{}"));
  const auto err = event_of<AgentError>(decode_agent_event("error", R"({"code": "busy", "message": "Try later"})"));
  EXPECT_EQ(err.code, "busy");
  EXPECT_EQ(err.message, "Try later");
}

TEST(AgentProtocol, UnknownFieldsAreIgnored) {
  EXPECT_EQ(event_of<AgentDelta>(decode_agent_event("delta", R"({"text": "a", "extra": {"x": [1]}})")).text, "a");
}

TEST(AgentProtocol, HtmlInDeltaTextIsPassedOnUntouchedForTheRichTextParser) {
  const std::string hostile = "<img src=x onerror=alert(1)>";
  EXPECT_EQ(event_of<AgentDelta>(decode_agent_event("delta", R"({"text": ")" + hostile + "\"}")).text, hostile);
}

TEST(AgentProtocol, UnknownEventNamesAreRefusedWithoutParsingTheirData) {
  for (const char* name : {"surprise", "message", "Delta", "", "start "})
    EXPECT_EQ(code_of(decode_agent_event(name, "not json")), "unknown_event") << name;
}

TEST(AgentProtocol, AnUnknownEventNameIsNamedInTheDetailWithOnlyPrintableBytes) {
  const auto d = decode_agent_event(std::string("bad\xff\n", 5), "{}");
  ASSERT_EQ(code_of(d), "unknown_event");
  EXPECT_EQ(std::get<ProtocolError>(d).detail, "unknown event 'bad?" "?'");
}

TEST(AgentProtocol, JsonProblemsKeepTheirLimitCodes) {
  EXPECT_EQ(code_of(decode_agent_event("delta", R"({"text": "cut)")), "malformed");
  EXPECT_EQ(code_of(decode_agent_event("done", "")), "malformed");
  EXPECT_EQ(code_of(decode_agent_event("delta", R"({"text": ")" + std::string(70000, 'x') + "\"}")), "too_large");
  const std::string deep = std::string(20, '[') + std::string(20, ']');
  EXPECT_EQ(code_of(decode_agent_event("delta", R"({"text": "x", "extra": )" + deep + "}")), "too_deep");
}

TEST(AgentProtocol, DataThatIsNotAnObjectIsWrongType) {
  for (const char* data : {"[]", "\"text\"", "null", "42"})
    EXPECT_EQ(code_of(decode_agent_event("done", data)), "wrong_type") << data;
}

TEST(AgentProtocol, MissingOrMistypedRequiredFieldsAreWrongTypeAndNameTheField) {
  const struct { const char* event; std::string data; const char* field; } cases[] = {
      {"start", "{}", "reply_id"},
      {"start", R"({"reply_id": 7})", "reply_id"},
      {"start", R"({"reply_id": ""})", "reply_id"},
      {"start", R"({"reply_id": ")" + std::string(129, 'r') + "\"}", "reply_id"},
      {"delta", R"({"text": null})", "text"},
      {"delta", R"({"text": ["a"]})", "text"},
      {"error", R"({"message": "no code"})", "code"},
      {"error", R"({"code": "x", "message": 5})", "message"},
      {"card", "{}", "product"},
      {"card", R"({"product": "sku-1"})", "product"},
      {"card", R"({"product": {"name": "X", "price": "1", "currency": "GBP", "url": "https://a.example"}})", "id"},
      {"card", R"({"product": {"id": 1, "name": "X", "price": "1", "currency": "GBP", "url": "https://a.example"}})", "id"},
      {"card", R"({"product": {"id": "1", "name": 5, "price": "1", "currency": "GBP", "url": "https://a.example"}})", "name"},
      {"card", R"({"product": {"id": "1", "name": "X", "currency": "GBP", "url": "https://a.example"}})", "price"},
      {"card", R"({"product": {"id": "1", "name": "X", "price": "1", "url": "https://a.example"}})", "currency"},
      {"card", R"({"product": {"id": "1", "name": "X", "price": "1", "currency": "GBP"}})", "url"},
      {"card", R"({"product": {"id": "1", "name": "X", "price": "1", "currency": "GBP", "url": {}}})", "url"},
  };
  for (const auto& c : cases) {
    const auto d = decode_agent_event(c.event, c.data);
    ASSERT_EQ(code_of(d), "wrong_type") << c.event << " " << c.data;
    EXPECT_NE(std::get<ProtocolError>(d).detail.find(c.field), std::string::npos) << std::get<ProtocolError>(d).detail;
  }
}

TEST(AgentProtocol, ACompleteCardDecodes) {
  const auto card = event_of<AgentCard>(decode_agent_event("card", card_json(R"(, "image_url": "https://cdn.example/1.jpg")")));
  EXPECT_EQ(card.product_id, "sku-1");
  EXPECT_EQ(card.name, "Astro Bot");
  EXPECT_EQ(card.price, "59.99");
  EXPECT_EQ(card.currency, "GBP");
  EXPECT_EQ(card.url, "https://shop.example/p/1");
  EXPECT_EQ(card.image_url, "https://cdn.example/1.jpg");
}

TEST(AgentProtocol, ANumericPriceIsWrittenAsADecimalString) {
  const auto price_of = [](const std::string& price) {
    const std::string data = R"({"product": {"id": "1", "name": "X", "currency": "GBP", "url": "https://a.example", "price": )" + price + "}}";
    return event_of<AgentCard>(decode_agent_event("card", data)).price;
  };
  EXPECT_EQ(price_of("59.99"), "59.99");
  EXPECT_EQ(price_of("20"), "20");
  EXPECT_EQ(price_of("0.5"), "0.5");
}

TEST(AgentProtocol, PricesThatAreNotPlainDecimalsAreRefused) {
  for (const char* price : {"\"-1\"", "\"1e3\"", "\"£5\"", "\"\"", "\"1.\"", "\".5\"", "\"1,00\"", "-1", "1e21", "true",
                            "null", "\"123456789012345678901234567890123\""}) {
    const std::string data = R"({"product": {"id": "1", "name": "X", "currency": "GBP", "url": "https://a.example", "price": )" + std::string(price) + "}}";
    EXPECT_EQ(code_of(decode_agent_event("card", data)), "wrong_type") << price;
  }
}

TEST(AgentProtocol, CurrencyIsUpperCasedAndMustBeThreeLetters) {
  const auto with_currency = [](const char* currency) {
    return decode_agent_event("card", R"({"product": {"id": "1", "name": "X", "price": "1", "url": "https://a.example", "currency": )" + std::string(currency) + "}}");
  };
  EXPECT_EQ(event_of<AgentCard>(with_currency("\"gbp\"")).currency, "GBP");
  for (const char* bad : {"\"GB\"", "\"GBPX\"", "\"G1P\"", "\"G@P\"", "\"€\"", "826"})
    EXPECT_EQ(code_of(with_currency(bad)), "wrong_type") << bad;
}

TEST(AgentProtocol, ACardLinkThatIsNotHttpIsAnUnsafeLink) {
  for (const char* url : {"javascript:alert(3)", "JaVaScRiPt:alert(3)", "data:text/html,x", "vbscript:x",
                          "//evil.example", "/p/1", "https://a.example/ x", "java\\u0000script:x"}) {
    const std::string data = R"({"product": {"id": "1", "name": "X", "price": "1", "currency": "GBP", "url": ")" + std::string(url) + "\"}}";
    EXPECT_EQ(code_of(decode_agent_event("card", data)), "unsafe_link") << url;
  }
  EXPECT_EQ(code_of(decode_agent_event("card", card_json("").replace(card_json("").find("/p/1"), 4, "/" + std::string(3000, 'p')))), "unsafe_link");
}

TEST(AgentProtocol, AnUnsafeOrMistypedImageIsDroppedAndTheCardKept) {
  for (const char* image : {"\"javascript:alert(1)\"", "\"data:image/svg+xml,<svg onload=alert(1)>\"", "\"/img.png\"",
                            "42", "null", "{\"src\": \"https://cdn.example/1.jpg\"}"}) {
    const auto card = event_of<AgentCard>(decode_agent_event("card", card_json(", \"image_url\": " + std::string(image))));
    EXPECT_EQ(card.product_id, "sku-1") << image;
    EXPECT_EQ(card.image_url, "") << image;
  }
}

TEST(AgentProtocol, ALongNameIsCutAt200CharactersWithoutSplittingOne) {
  std::string accents, emoji;
  for (int i = 0; i < 300; ++i) accents += "\xC3\xA9", emoji += "\xF0\x9F\x8E\xAE";  // é, 🎮 (two UTF-16 units)
  const auto name_of = [](const std::string& name) {
    return event_of<AgentCard>(decode_agent_event("card", R"({"product": {"id": "1", "price": "1", "currency": "GBP", "url": "https://a.example", "name": ")" + name + "\"}}")).name;
  };
  EXPECT_EQ(name_of(accents), accents.substr(0, 400));
  EXPECT_EQ(utf16_length(name_of(accents)), 200u);
  EXPECT_EQ(name_of(emoji), emoji.substr(0, 400));  // 100 emoji = 200 units
  EXPECT_EQ(name_of("a" + emoji), "a" + emoji.substr(0, 396));  // the 100th emoji would make 201
}

TEST(AgentProtocol, ControlCharactersInANameBecomeSpacesAndABlankNameIsRefused) {
  const auto decode_name = [](const std::string& name) {
    return decode_agent_event("card", R"({"product": {"id": "1", "price": "1", "currency": "GBP", "url": "https://a.example", "name": ")" + name + "\"}}");
  };
  EXPECT_EQ(event_of<AgentCard>(decode_name(R"(  Astro\nBot\u0000 )")).name, "Astro Bot");
  EXPECT_EQ(code_of(decode_name(R"( \t\n )")), "wrong_type");
}

TEST(AgentProtocol, AnErrorMessageIsOptionalAndCutLikeAName) {
  EXPECT_EQ(event_of<AgentError>(decode_agent_event("error", R"({"code": "busy"})")).message, "");
  EXPECT_EQ(event_of<AgentError>(decode_agent_event("error", R"({"code": "busy", "message": null})")).message, "");
  const auto long_message = decode_agent_event("error", R"({"code": "busy", "message": ")" + std::string(900, 'm') + "\"}");
  EXPECT_EQ(event_of<AgentError>(long_message).message, std::string(500, 'm'));
}

}  // namespace
}  // namespace natter
