#include "chat/transcript.hpp"
#include "boundary/json_limits.hpp"
#include "boundary/json_text.hpp"

#include "chat/rich_text.hpp"

namespace natter {
namespace {

using nlohmann::json;

std::size_t size_of(const TranscriptEntry& e) {
  std::size_t n = e.id.size() + e.text.size() + e.author.size();
  for (const auto& c : e.cards) n += c.name.size() + c.url.size() + c.image_url.size() + 32;
  return n;
}

const std::string* str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

std::string entry_json(const TranscriptEntry& e) {
  json entry = json_object({{"role", e.from_user ? "user" : "agent"}, {"id", e.id}, {"text", e.text}});
  if (e.voice) entry["voice"] = true;  // absent for typed entries: older blobs stay as they were
  if (e.cut) entry["cut"] = true;
  if (!e.author.empty()) entry["author"] = e.author;  // a staff reply: its author survives a reload
  if (!e.cards.empty()) {
    json cards = json::array();
    for (const auto& c : e.cards)
      cards.push_back(json_object({{"product_id", c.product_id}, {"name", c.name}, {"price", c.price},
                       {"currency", c.currency}, {"url", c.url}, {"image_url", c.image_url}}));
    entry["cards"] = std::move(cards);
  }
  return entry.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void Transcript::push(TranscriptEntry e) {
  e.json = entry_json(e);
  text_stale_ = true;
  bytes_ += size_of(e);
  entries_.push_back(std::move(e));
  while (!entries_.empty() && (entries_.size() > kMaxEntries || bytes_ > kMaxBytes)) {
    bytes_ -= size_of(entries_.front());
    entries_.pop_front();
  }
}

void Transcript::add_user(const std::string& id, const std::string& text) { push({true, id, text, {}}); }

void Transcript::add_agent(const std::string& reply_to, const std::string& text, std::vector<ProductCardShown> cards,
                           const std::string& author) {
  TranscriptEntry e{false, reply_to, text, std::move(cards)};
  e.author = author;
  push(std::move(e));
}

void Transcript::add_voice(const std::string& id, bool from_user, const std::string& text, bool cut,
                           std::vector<ProductCardShown> cards) {
  push({from_user, id, text, std::move(cards), true, cut && !from_user});
}

const std::string& Transcript::to_json_text() const {
  if (text_stale_) text_ = json_array_of(entries_), text_stale_ = false;
  return text_;
}

std::size_t Transcript::restore(const std::string& json_text) {
  json j = parse_json(json_text);
  if (j.is_discarded() || !j.is_array()) return json_text.empty() ? 0 : 1;
  std::size_t dropped = 0;
  for (const auto& item : j) {
    const std::string* role = item.is_object() ? str(item, "role") : nullptr;
    const std::string* id = role ? str(item, "id") : nullptr;
    const std::string* text = id ? str(item, "text") : nullptr;
    if (!text || (*role != "user" && *role != "agent") || id->empty()) {
      ++dropped;
      continue;
    }
    TranscriptEntry e{*role == "user", *id, *text, {}};
    auto flag = [&](const char* key) { auto it = item.find(key); return it != item.end() && it->is_boolean() && it->get<bool>(); };
    e.voice = flag("voice");
    e.cut = e.voice && !e.from_user && flag("cut");
    if (const std::string* author = e.from_user ? nullptr : str(item, "author"); author && author->size() <= 400) e.author = *author;
    auto cards = item.find("cards");
    if (!e.from_user && cards != item.end() && cards->is_array()) {
      for (const auto& c : *cards) {
        const std::string* pid = c.is_object() ? str(c, "product_id") : nullptr;
        const std::string* name = pid ? str(c, "name") : nullptr;
        const std::string* price = name ? str(c, "price") : nullptr;
        const std::string* currency = price ? str(c, "currency") : nullptr;
        const std::string* url = currency ? str(c, "url") : nullptr;
        if (!url || !is_safe_link(*url)) {
          ++dropped;
          continue;
        }
        const std::string* image = str(c, "image_url");
        std::string image_url = image && is_safe_link(*image) ? *image : "";
        e.cards.push_back(ProductCardShown{e.id, *pid, *name, *price, *currency, *url, image_url});
      }
    }
    push(std::move(e));
  }
  return dropped;
}

}  // namespace natter
