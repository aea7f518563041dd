// The page context in the core (page_context.hpp): the latest JSON object
// text the shim's page watch gave, bounded, carried by each message as it
// was when the message was accepted, over HTTP and the live session,
// through retries, reconnects and the next page. What goes into it (the
// page read, the shop's calls, their checks) is shim/page-context.js's,
// tested in tests/node/shim-page-context.test.mjs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "boundary/json_client.hpp"
#include "people/page_context.hpp"
#include "session_harness.hpp"

namespace natter::testing {
namespace {

using nlohmann::json;

const char* kPage = R"J({"page":{"path":"/products/astro-bot","title":"Astro Bot (PS5)"},
  "product":{"id":"sku-astro","name":"Astro Bot (PS5)","price":"49.99","currency":"GBP","availability":"in_stock"}})J";
const json kKept = json::parse(kPage);

TEST(PageContext, OverHttpTheBodyCarriesTheLatestContext) {
  Harness h;
  h.feed(PageContextChanged{R"J({"page":{"path":"/"}})J"});
  h.feed(PageContextChanged{kPage});
  h.feed(SendClicked{"is this one in stock?"});
  EXPECT_EQ(json::parse(h.last_request().body)["context"], kKept);

  Harness none;
  none.feed(SendClicked{"hi"});
  EXPECT_FALSE(json::parse(none.last_request().body).contains("context")) << "nothing read, nothing sent";
}

TEST(PageContext, OverTheBoundOrNotAnObjectIsOneErrorAndChangesNothing) {
  Harness h;
  h.feed(PageContextChanged{R"J({"currency":"GBP"})J"});
  const std::string over = R"J({"page":{"title":")J" + std::string(kContextMaxBytes, 'x') + "\"}}";
  for (const std::string& bad : {over, std::string("[1,2]"), std::string("{not json")}) {
    auto logs = Harness::of<Log>(h.feed(PageContextChanged{bad}));
    ASSERT_EQ(logs.size(), 1u) << bad.substr(0, 20);
    EXPECT_EQ(logs[0].level, "error");
    EXPECT_EQ(logs[0].text, bad == over ? "page context: over 8192 bytes as JSON; the context was not changed"
                                        : "page context: not a JSON object; the context was not changed");
  }
  h.feed(SendClicked{"hi"});
  EXPECT_EQ(json::parse(h.last_request().body)["context"], json({{"currency", "GBP"}}));
  h.feed(PageContextChanged{""});  // none any more
  h.answer(h.last_request().request_id, reply_stream("ok"));
  h.feed(SendClicked{"again"});
  EXPECT_FALSE(json::parse(h.last_request().body).contains("context"));
}

TEST(PageContext, OverHttpARetrySendsTheContextTheMessageWasAcceptedWith) {
  Harness h;
  h.feed(PageContextChanged{kPage});
  h.feed(SendClicked{"in stock?"});
  const HttpRequest first = h.last_request();
  h.feed(PageContextChanged{R"J({"page":{"path":"/basket","title":"Basket"}})J"});  // the shopper moved on
  h.feed(HttpFailed{first.request_id, "network error"});
  ASSERT_TRUE(h.advance_to_deadline());
  EXPECT_EQ(h.last_request().body, first.body);
  h.answer(h.last_request().request_id, reply_stream("Yes"));
  h.feed(SendClicked{"and now?"});
  EXPECT_EQ(json::parse(h.last_request().body)["context"]["page"]["path"], "/basket");
}

TEST(PageContext, OverTheSessionTheMsgCarriesItAndAReSendAfterAReconnectCarriesTheSame) {
  Harness h{session_config()};
  const uint32_t conn = go_live(h);
  h.feed(PageContextChanged{kPage});
  h.feed(EnterPressed{"in stock?", false, false, false});
  auto msgs = sent_frames(h, "msg");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(json::parse(msgs[0])["context"], kKept);
  h.feed(PageContextChanged{R"J({"page":{"path":"/elsewhere"}})J"});
  h.feed(WsClosed{conn, 1006, "", true});  // before the ack
  ASSERT_TRUE(h.advance_to_deadline());
  h.feed(WsOpened{last_conn(h)});
  h.feed(WsFrame{last_conn(h), welcome(true)});
  msgs = sent_frames(h, "msg");
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1], msgs[0]) << "the same msg, context included";
}

TEST(PageContext, TheNextPageReSendsTheStoredContextAndDropsATamperedOne) {
  Harness first{session_config()};
  first.feed(PageContextChanged{kPage});
  first.feed(EnterPressed{"in stock?", false, false, false});  // not live: queued
  const json saved = json::parse(first.all_of<Persist>().back().value);
  ASSERT_EQ(saved["outbox"].size(), 1u);
  EXPECT_EQ(saved["outbox"][0]["context"], kKept);

  Config c = session_config();
  c.outbox_json = saved["outbox"].dump();
  Harness next{c};
  go_live(next);
  auto msgs = sent_frames(next, "msg");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(json::parse(msgs[0])["context"], kKept);

  for (const json& bad : {json("a string"), json({{"page", {{"title", std::string(kContextMaxBytes, 'x')}}}})}) {
    json tampered = saved["outbox"];
    tampered[0]["context"] = bad;
    c.outbox_json = tampered.dump();
    Harness third{c};
    go_live(third);
    msgs = sent_frames(third, "msg");
    ASSERT_EQ(msgs.size(), 1u);
    EXPECT_FALSE(json::parse(msgs[0]).contains("context")) << "the message kept, its bad context dropped";
  }
}

TEST(PageContext, TheJsonBoundaryTakesTheContextAsText) {
  JsonClient c(R"J({"chat_url":"http://shop.test/api/chat","seed_hi":"1","seed_lo":"2"})J");
  json effects = json::parse(c.handle(R"J({"type":"page_context","context":"[]"})J", 0));
  ASSERT_EQ(effects.size(), 1u);
  EXPECT_EQ(effects[0]["level"], "error");
  effects = json::parse(c.handle(R"J({"type":"page_context","context":"{\"page\":{\"path\":\"/a\"}}"})J", 0));
  EXPECT_TRUE(effects.empty());
}

}  // namespace
}  // namespace natter::testing
