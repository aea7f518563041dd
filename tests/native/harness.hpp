// Test harness for the core: a Client on a fake clock, every effect it
// emitted kept in order, and helpers to answer its HTTP requests the way the
// reference server would (server-sent events).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "client.hpp"

namespace natter::testing {

inline std::string sse(const std::string& event, const std::string& data) {
  return "event: " + event + "\ndata: " + data + "\n\n";
}

// A whole reply as the reference server streams it.
inline std::string reply_stream(const std::string& text, const std::string& card_json = "") {
  std::string s = sse("start", R"({"reply_id":"r1"})") + sse("delta", "{\"text\":\"" + text + "\"}");
  if (!card_json.empty()) s += sse("card", "{\"product\":" + card_json + "}");
  return s + sse("done", "{}");
}

class Harness {
 public:
  explicit Harness(Config config = default_config()) : client(std::move(config)) {}

  static Config default_config() {
    Config c;
    c.chat_url = "http://shop.test/api/chat";
    c.seed_hi = 0x1234;
    c.seed_lo = 0x5678;
    return c;
  }

  // Feeds one event at the current time and returns the effects it caused.
  // Unless `runtime_answers` is off, a VoiceRuntimeLoad is answered at once
  // with VoiceRuntimeLoaded, as a browser with the chunk cached would, and
  // what that causes belongs to the same step.
  std::vector<Effect> feed(const Event& e) {
    client.handle(e, now);
    std::vector<Effect> out;
    bool load = false;
    while (auto eff = client.poll()) {
      load = load || std::holds_alternative<VoiceRuntimeLoad>(*eff);
      out.push_back(*eff);
    }
    if (load && runtime_answers) {
      client.handle(VoiceRuntimeLoaded{}, now);
      while (auto eff = client.poll()) out.push_back(*eff);
    }
    all.insert(all.end(), out.begin(), out.end());
    return out;
  }

  // Moves the clock to the next deadline (if any, and if within `max_ms`) and ticks.
  bool advance_to_deadline(int64_t max_ms = INT64_MAX) {
    auto d = client.next_deadline();
    if (!d || *d - now > max_ms) return false;
    now = std::max(now, *d);
    feed(Tick{});
    return true;
  }

  void advance(int64_t ms) {
    now += ms;
    feed(Tick{});
  }

  // Answers request `id` with a 200 and the given body in one chunk, then ends it.
  void answer(uint32_t id, const std::string& body) {
    feed(HttpResponded{id, 200, -1});
    feed(HttpBody{id, body});
    feed(HttpEnded{id});
  }

  template <typename T>
  std::vector<T> all_of() const {
    std::vector<T> v;
    for (const auto& e : all)
      if (auto* p = std::get_if<T>(&e)) v.push_back(*p);
    return v;
  }
  template <typename T>
  static std::vector<T> of(const std::vector<Effect>& effects) {
    std::vector<T> v;
    for (const auto& e : effects)
      if (auto* p = std::get_if<T>(&e)) v.push_back(*p);
    return v;
  }

  std::vector<HttpRequest> requests() const { return all_of<HttpRequest>(); }
  const HttpRequest& last_request() const {
    static HttpRequest none;
    for (auto it = all.rbegin(); it != all.rend(); ++it)
      if (auto* r = std::get_if<HttpRequest>(&*it)) return *r;
    return none;
  }
  static std::string header(const HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
      if (k == name) return v;
    return "";
  }
  size_t count_logs(const std::string& text) const {
    size_t n = 0;
    for (const auto& l : all_of<Log>()) n += l.text == text;
    return n;
  }

  Client client;
  int64_t now = 1000;
  std::vector<Effect> all;
  bool runtime_answers = true;  // see feed()
};

}  // namespace natter::testing
