// Saved products (saved_products.hpp): the shopper saves a product card,
// the shop's page hears of it once, the set is bounded, and the next page of
// the tab draws the card as saved.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "session_harness.hpp"

namespace natter::testing {
namespace {

std::string card_data(const std::string& id, const std::string& name = "DualSense") {
  return R"({"product":{"id":")" + id + R"(","name":")" + name +
         R"(","price":"59.99","currency":"GBP","url":"https://shop.test/)" + id + R"("}})";
}

// A live session whose agent answered one message with cards for `ids`.
struct ShownCards {
  Harness h;
  explicit ShownCards(const std::vector<std::string>& ids, Config c = session_config()) : h(std::move(c)) {
    const uint32_t conn = go_live(h);
    h.feed(EnterPressed{"controllers?", false, false, false});
    const std::string asked = h.all_of<UserMessageShown>().back().message_id;
    h.feed(WsFrame{conn, ack(asked)});
    uint64_t seq = 1;
    h.feed(WsFrame{conn, event(seq++, asked, "delta", R"({"text":"Here."})")});
    for (const auto& id : ids) h.feed(WsFrame{conn, event(seq++, asked, "card", card_data(id))});
    h.feed(WsFrame{conn, event(seq++, asked, "done", "{}")});
  }
};

std::vector<HostEvent> host_events(const std::vector<Effect>& fx, const std::string& name) {
  std::vector<HostEvent> v;
  for (const auto& e : Harness::of<HostEvent>(fx))
    if (e.name == name) v.push_back(e);
  return v;
}

TEST(SavedProducts, ACardArrivesSavableAndNotSaved) {
  ShownCards s{{"p1"}};
  auto cards = s.h.all_of<ProductCardShown>();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_TRUE(cards[0].savable);
  EXPECT_FALSE(cards[0].saved);
}

TEST(SavedProducts, SavingEmitsTheCardStateThenOneHostEventWithTheProductAsTheAgentGaveIt) {
  ShownCards s{{"p1"}};
  auto fx = s.h.feed(ProductSaveToggled{"p1"});
  auto states = Harness::of<ProductSavedChanged>(fx);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].product_id, "p1");
  EXPECT_TRUE(states[0].saved);
  auto saved = host_events(fx, "product_saved");
  ASSERT_EQ(saved.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(saved[0].payload),
            nlohmann::json::parse(R"({"id":"p1","title":"DualSense","url":"https://shop.test/p1","price":"59.99","currency":"GBP"})"));
  EXPECT_TRUE(host_events(fx, "product_unsaved").empty());
  ASSERT_FALSE(Harness::of<Persist>(fx).empty()) << "a save survives a reload";
  EXPECT_TRUE(s.h.client.saved().contains("p1"));
}

TEST(SavedProducts, ASecondToggleUnsavesWithOneUnsavedEvent) {
  ShownCards s{{"p1"}};
  s.h.feed(ProductSaveToggled{"p1"});
  auto fx = s.h.feed(ProductSaveToggled{"p1"});
  auto states = Harness::of<ProductSavedChanged>(fx);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_FALSE(states[0].saved);
  ASSERT_EQ(host_events(fx, "product_unsaved").size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(host_events(fx, "product_unsaved")[0].payload)["id"], "p1");
  EXPECT_TRUE(host_events(fx, "product_saved").empty());
  EXPECT_FALSE(s.h.client.saved().contains("p1"));
}

TEST(SavedProducts, AProductNoCardShowsCannotBeSaved) {
  ShownCards s{{"p1"}};
  auto fx = s.h.feed(ProductSaveToggled{"forged"});
  EXPECT_TRUE(Harness::of<ProductSavedChanged>(fx).empty());
  EXPECT_TRUE(Harness::of<HostEvent>(fx).empty());
  EXPECT_EQ(s.h.count_logs("ignored a save for a product no card on this page shows"), 1u);
}

TEST(SavedProducts, TheSetKeepsTheNewestSavesAndForgetsTheOldestWithoutAnUnsavedEvent) {
  std::vector<std::string> ids;
  for (size_t i = 0; i <= SavedProducts::kMaxSaved; ++i) ids.push_back("p" + std::to_string(i));
  ShownCards s{ids};
  for (size_t i = 0; i < SavedProducts::kMaxSaved; ++i) s.h.feed(ProductSaveToggled{ids[i]});
  EXPECT_EQ(s.h.client.saved().size(), SavedProducts::kMaxSaved);
  auto fx = s.h.feed(ProductSaveToggled{ids.back()});
  EXPECT_EQ(s.h.client.saved().size(), SavedProducts::kMaxSaved);
  EXPECT_FALSE(s.h.client.saved().contains("p0"));
  EXPECT_TRUE(s.h.client.saved().contains(ids.back()));
  auto states = Harness::of<ProductSavedChanged>(fx);
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].product_id, "p0");  // its cards show unsaved again
  EXPECT_FALSE(states[0].saved);
  EXPECT_EQ(states[1].product_id, ids.back());
  EXPECT_TRUE(host_events(fx, "product_unsaved").empty()) << "the shopper did not unsave p0";
  EXPECT_EQ(host_events(fx, "product_saved").size(), 1u);
}

TEST(SavedProducts, TheNextPageDrawsTheCardSavedAndCanUnsaveIt) {
  ShownCards first{{"p1", "p2"}};
  first.h.feed(ProductSaveToggled{"p2"});
  auto blob = nlohmann::json::parse(first.h.all_of<Persist>().back().value);
  ASSERT_TRUE(blob.contains("saved"));
  Config c = session_config();
  c.resume_token = blob["resume_token"].get<std::string>();
  c.last_event_seq = blob["last_event_seq"].get<uint64_t>();
  c.transcript_json = blob["transcript"].dump();
  c.saved_json = blob["saved"].dump();

  Harness next{c};
  next.feed(SessionWanted{});
  auto cards = next.all_of<ProductCardShown>();
  ASSERT_EQ(cards.size(), 2u);
  EXPECT_EQ(cards[0].product_id, "p1");
  EXPECT_FALSE(cards[0].saved);
  EXPECT_EQ(cards[1].product_id, "p2");
  EXPECT_TRUE(cards[1].saved);
  auto fx = next.feed(ProductSaveToggled{"p2"});
  ASSERT_EQ(host_events(fx, "product_unsaved").size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(host_events(fx, "product_unsaved")[0].payload)["title"], "DualSense");
}

TEST(SavedProducts, TamperedStorageIsCheckedLikeACard) {
  Config c = session_config();
  c.saved_json = R"json([{"product_id":"x","name":"X","price":"1","currency":"GBP","url":"javascript:alert(1)"},
    {"product_id":"ok","name":"OK","price":"1","currency":"GBP","url":"https://shop.test/ok"}, 7])json";
  Harness h{c};
  EXPECT_EQ(h.count_logs("dropped malformed saved products"), 0u);  // logged at construction, before any feed
  h.feed(SessionWanted{});
  EXPECT_EQ(h.count_logs("dropped malformed saved products"), 1u);
  EXPECT_TRUE(h.client.saved().contains("ok"));
  EXPECT_FALSE(h.client.saved().contains("x"));
}

TEST(SavedProducts, AShopThatTurnedSavingOffGetsCardsWithoutTheToggle) {
  Config c = session_config();
  c.save_products = false;
  ShownCards s{{"p1"}, c};
  auto cards = s.h.all_of<ProductCardShown>();
  ASSERT_EQ(cards.size(), 1u);
  EXPECT_FALSE(cards[0].savable);
  auto fx = s.h.feed(ProductSaveToggled{"p1"});
  EXPECT_TRUE(Harness::of<HostEvent>(fx).empty());
  EXPECT_TRUE(Harness::of<ProductSavedChanged>(fx).empty());
  EXPECT_EQ(s.h.count_logs("saving products is turned off by the shop (saveProducts)"), 1u);
}

}  // namespace
}  // namespace natter::testing
