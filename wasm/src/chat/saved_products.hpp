// Saved products: the shopper pressed "Save" on a product card, and the
// shop's page hears of it (natter('on', 'product_saved' | 'product_unsaved')).
// The shop owns the wishlist; this set only remembers which cards show as
// saved, so a reload draws them the same way.
//
// Rules:
//  - A toggle names a product id. Only a product whose card this page showed
//    (the newest kMaxKnownCards cards) can be saved; any id can be unsaved.
//    Anything else is a warning, never a state change: the id came from
//    the DOM, which the host page can script.
//  - Each toggle emits the cards' new state (ProductSavedChanged) and one
//    host event with the product as the agent gave it; then the set is
//    persisted with the session (Client::persist_session).
//  - Bounded: at most kMaxSaved products. Saving one more forgets the
//    oldest save (its cards show unsaved again). No product_unsaved is
//    emitted for it: the shopper did not unsave it, and the shop's
//    wishlist, which heard every product_saved, still has it.
//  - The shop can turn saving off (config save_products false): cards
//    draw no Save button and a toggle is refused with a warning.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/effects.hpp"

namespace natter {

class SavedProducts {
 public:
  static constexpr std::size_t kMaxSaved = 50;
  static constexpr std::size_t kMaxKnownCards = 64;

  explicit SavedProducts(std::deque<Effect>& out) : out_(out) {}

  // Restores what an earlier page persisted (the "saved" array); returns
  // how many entries were dropped as malformed.
  std::size_t restore(const std::string& json_text);
  // Called for every card as it leaves the core: stamps its saved state and
  // remembers it, so a later toggle can name the product to the host page.
  void on_card_shown(ProductCardShown& card, bool enabled);
  // The shopper pressed a card's Save button. True when the set changed
  // (the caller persists).
  bool toggle(const std::string& product_id, bool enabled);
  bool contains(const std::string& product_id) const;
  nlohmann::json to_json() const;
  std::size_t size() const { return saved_.size(); }

 private:
  struct Product {
    std::string id, name, price, currency, url;
  };
  void announce(const Product& p, bool saved);
  std::deque<Effect>& out_;
  // Vectors, not deques: a few dozen entries, and far less WASM code.
  std::vector<Product> saved_;  // oldest save first
  std::vector<Product> known_;  // cards shown on this page, newest last
};

}  // namespace natter
