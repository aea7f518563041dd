// The core driven through JSON: what the WASM boundary exposes, and what
// recorded transcripts replay natively. Both builds go through this one
// class, so the same transcript must give the same bytes on both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "client.hpp"

namespace natter {

// Reads the config object documented in docs/boundary.md. Unknown keys
// are ignored; a malformed or mistyped value keeps its default and is
// reported in `error` (the shim validates configuration before this).
Config config_from_json(std::string_view json_text, std::string* error = nullptr);

class JsonClient {
 public:
  explicit JsonClient(std::string_view config_json);

  // Feeds one event (a JSON object) and returns every effect it caused as
  // a JSON array, in order. A malformed event is answered with one error
  // `log` effect and changes nothing.
  std::string handle(std::string_view event_json, int64_t now_ms);
  // Next deadline in ms, or -1 when no timer is armed.
  int64_t next_deadline() const;
  std::string conversation_id() const { return client_.conversation_id(); }
  std::string stats_json() const;
  // For the support dump: {"identified": bool, "visitor_id"?}; never the
  // name or email (the dump is pasted into tickets).
  std::string identity_json() const;

 private:
  std::string config_error_;
  Client client_;
};

}  // namespace natter
