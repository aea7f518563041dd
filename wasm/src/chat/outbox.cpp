#include "chat/outbox.hpp"
#include "boundary/json_limits.hpp"
#include "boundary/json_text.hpp"
#include "people/page_context.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace natter {

void Outbox::push(std::string message_id, std::string text, std::string context_json) {
  text_stale_ = true;
  bytes_ += text.size() + context_json.size();
  nlohmann::json entry = json_object({{"id", message_id}, {"text", text}});
  if (!context_json.empty()) entry["context"] = parse_json(context_json);
  std::string json = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  entries_.push_back(OutboxEntry{std::move(message_id), std::move(text), false, false, std::move(json), std::move(context_json)});
}

bool Outbox::remove(const std::string& message_id) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const OutboxEntry& e) { return e.message_id == message_id; });
  if (it == entries_.end()) return false;
  text_stale_ = true;
  bytes_ -= it->text.size() + it->context_json.size();
  entries_.erase(it);
  return true;
}

OutboxEntry* Outbox::find(const std::string& message_id) {
  for (auto& e : entries_)
    if (e.message_id == message_id) return &e;
  return nullptr;
}

bool Outbox::contains(const std::string& message_id) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const OutboxEntry& e) { return e.message_id == message_id; });
}

const std::string& Outbox::to_json() const {
  if (text_stale_) text_ = json_array_of(entries_), text_stale_ = false;
  return text_;
}

std::size_t Outbox::restore(std::string_view text) {
  auto a = parse_json(text);
  if (a.is_discarded() || !a.is_array()) return 0;
  std::size_t n = 0;
  for (const auto& e : a) {
    if (!e.is_object()) continue;
    auto id = e.find("id"), t = e.find("text");
    if (id == e.end() || t == e.end() || !id->is_string() || !t->is_string()) continue;
    const auto& s = t->get_ref<const std::string&>();
    // A stored entry's context gets the bounds of a new one (page_context.hpp):
    // one that is not an object or is over the bound is dropped, the message kept.
    auto c = e.find("context");
    std::string context_json = c != e.end() && c->is_object() ? c->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : "";
    if (context_json.size() > kContextMaxBytes) context_json.clear();
    if (s.empty() || !has_room_for(s.size() + context_json.size()) || contains(id->get<std::string>())) continue;
    push(id->get<std::string>(), s, context_json);
    ++n;
  }
  return n;
}

}  // namespace natter
