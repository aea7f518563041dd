#include "chat/saved_products.hpp"

#include <algorithm>

#include "boundary/json_limits.hpp"
#include "chat/rich_text.hpp"

namespace natter {
namespace {

using nlohmann::json;

const std::string* str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

template <typename List>
auto find_id(List& list, const std::string& id) {
  return std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.id == id; });
}

}  // namespace

std::size_t SavedProducts::restore(const std::string& json_text) {
  json j = parse_json(json_text);
  if (j.is_discarded() || !j.is_array()) return json_text.empty() ? 0 : 1;
  std::size_t dropped = 0;
  for (const auto& item : j) {
    // Storage the host page can write: checked like a restored card.
    const std::string* id = item.is_object() ? str(item, "product_id") : nullptr;
    const std::string* name = id ? str(item, "name") : nullptr;
    const std::string* price = name ? str(item, "price") : nullptr;
    const std::string* currency = price ? str(item, "currency") : nullptr;
    const std::string* url = currency ? str(item, "url") : nullptr;
    if (!url || id->empty() || !is_safe_link(*url) || find_id(saved_, *id) != saved_.end()) {
      ++dropped;
      continue;
    }
    saved_.push_back({*id, *name, *price, *currency, *url});
    if (saved_.size() > kMaxSaved) saved_.erase(saved_.begin());
  }
  return dropped;
}

void SavedProducts::on_card_shown(ProductCardShown& card, bool enabled) {
  card.savable = enabled;
  card.saved = enabled && contains(card.product_id);
  if (!enabled || card.product_id.empty()) return;
  if (auto it = find_id(known_, card.product_id); it != known_.end()) known_.erase(it);
  known_.push_back({card.product_id, card.name, card.price, card.currency, card.url});
  if (known_.size() > kMaxKnownCards) known_.erase(known_.begin());
}

bool SavedProducts::contains(const std::string& product_id) const {
  return std::any_of(saved_.begin(), saved_.end(), [&](const Product& p) { return p.id == product_id; });
}

bool SavedProducts::toggle(const std::string& product_id, bool enabled) {
  if (!enabled) {
    out_.emplace_back(Log{"warn", "saving products is turned off by the shop (saveProducts)"});
    return false;
  }
  if (auto it = find_id(saved_, product_id); it != saved_.end()) {
    Product p = std::move(*it);
    saved_.erase(it);
    announce(p, false);
    return true;
  }
  auto card = find_id(known_, product_id);
  if (card == known_.end()) {
    out_.emplace_back(Log{"warn", "ignored a save for a product no card on this page shows"});
    return false;
  }
  saved_.push_back(*card);
  if (saved_.size() > kMaxSaved) {
    out_.emplace_back(ProductSavedChanged{saved_.front().id, false});
    saved_.erase(saved_.begin());
  }
  announce(saved_.back(), true);
  return true;
}

void SavedProducts::announce(const Product& p, bool saved) {
  out_.emplace_back(ProductSavedChanged{p.id, saved});
  json payload = json_object({{"id", p.id}, {"title", p.name}, {"url", p.url}, {"price", p.price}, {"currency", p.currency}});
  out_.emplace_back(HostEvent{saved ? "product_saved" : "product_unsaved",
                           payload.dump(-1, ' ', false, json::error_handler_t::replace)});
}

json SavedProducts::to_json() const {
  json out = json::array();
  for (const auto& p : saved_)
    out.push_back(json_object({{"product_id", p.id}, {"name", p.name}, {"price", p.price}, {"currency", p.currency}, {"url", p.url}}));
  return out;
}

}  // namespace natter
