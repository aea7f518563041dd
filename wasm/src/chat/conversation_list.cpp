#include "chat/conversation_list.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "boundary/json_limits.hpp"

namespace natter {

using nlohmann::json;

bool ConversationList::valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string ConversationList::title_from(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    const bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (ws) { space = !out.empty(); continue; }
    if (space) { out += ' '; space = false; }
    out += c;
  }
  if (out.size() <= kMaxTitleBytes) return out;
  std::size_t cut = kMaxTitleBytes;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return out.substr(0, cut) + "\xE2\x80\xA6";  // …
}

ConversationEntry* ConversationList::find(const std::string& id) {
  for (auto& e : entries_)
    if (e.id == id) return &e;
  return nullptr;
}

void ConversationList::to_front(const std::string& id) {
  for (std::size_t i = 1; i < entries_.size(); ++i)
    if (entries_[i].id == id) {
      for (std::size_t j = i; j > 0; --j) std::swap(entries_[j], entries_[j - 1]);
      return;
    }
}

std::string ConversationList::restore(const std::string& json_text, const std::string& current) {
  entries_.clear();
  current_ = current;
  std::string problem;
  if (!json_text.empty()) {
    json j = parse_json(json_text);
    const json* items = nullptr;
    if (j.is_object()) {
      auto it = j.find("items");
      if (it != j.end() && it->is_array()) items = &*it;
    }
    if (!items) {
      problem = "the stored conversation list is unreadable: starting a new list";
    } else {
      std::size_t dropped = 0;
      for (const auto& item : *items) {
        ConversationEntry e;
        bool ok = item.is_object();
        if (ok) {
          const auto id = item.find("id"), title = item.find("title"), last = item.find("last_ms");
          ok = id != item.end() && id->is_string();
          if (ok) e.id = id->get_ref<const std::string&>();
          if (title != item.end()) {
            ok = ok && title->is_string();
            if (ok) e.title = title_from(title->get_ref<const std::string&>());
          }
          if (last != item.end()) {
            ok = ok && last->is_number_integer() && last->get<int64_t>() >= 0;
            if (ok) e.last_ms = last->get<int64_t>();
          }
        }
        if (!ok || !valid_id(e.id) || find(e.id) || entries_.size() >= kMaxConversations) { ++dropped; continue; }
        entries_.push_back(std::move(e));
      }
      if (dropped) problem = "the stored conversation list had " + std::to_string(dropped) + " unusable entries: dropped";
    }
  }
  // Most recent activity first, ties in stored order (at most 10: an insertion sort).
  for (std::size_t i = 1; i < entries_.size(); ++i)
    for (std::size_t j = i; j > 0 && entries_[j - 1].last_ms < entries_[j].last_ms; --j) std::swap(entries_[j], entries_[j - 1]);
  if (!current_.empty() && !find(current_)) {
    if (entries_.size() >= kMaxConversations) entries_.pop_back();
    entries_.push_back(ConversationEntry{current_, "", 0});
    to_front(current_);
  }
  return problem;
}

std::vector<std::string> ConversationList::start(const std::string& id, int64_t wall_ms) {
  std::vector<std::string> forgotten;
  if (find(id)) {
    switch_to(id);
    return forgotten;
  }
  while (entries_.size() >= kMaxConversations) {  // the oldest activity (last: the list is newest first)
    forgotten.push_back(entries_.back().id);
    entries_.pop_back();
  }
  entries_.push_back(ConversationEntry{id, "", wall_ms});
  to_front(id);
  current_ = id;
  return forgotten;
}

bool ConversationList::switch_to(const std::string& id) {
  if (id == current_ || !find(id)) return false;
  current_ = id;
  return true;
}

void ConversationList::touch(const std::string& id, const std::string& text, int64_t wall_ms) {
  ConversationEntry* e = find(id);
  if (!e) return;
  if (e->title.empty()) e->title = title_from(text);
  if (wall_ms > e->last_ms) e->last_ms = wall_ms;
  to_front(id);
}

void ConversationList::rename(const std::string& from, const std::string& to) {
  if (from == to || !valid_id(to)) return;
  ConversationEntry* e = find(from);
  if (!e) return;
  if (find(to)) {  // already listed: keep that one
    for (std::size_t i = 0; i < entries_.size(); ++i)
      if (entries_[i].id == from) { entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i)); break; }
  } else {
    e->id = to;
  }
  if (current_ == from) current_ = to;
}

std::string ConversationList::to_json() const {
  json items = json::array();
  for (const auto& e : entries_) items.push_back(json_object({{"id", e.id}, {"title", e.title}, {"last_ms", e.last_ms}}));
  json out = json_object({{"v", 1}, {"current", current_}, {"items", items}});
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace natter
