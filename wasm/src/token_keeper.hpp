// The shop's short-lived access token, kept in memory only.
//
// A shop that sets token_url (config "token_url", the embed's data-token-url)
// mints tokens on its own backend for the current shopper; nothing secret is
// in the page. Before a session connect or a chat POST the owning machine
// asks ready(now): when there is no token, or it expires within kRefreshMarginMs,
// the keeper emits one TokenRequested (one fetch at a time, whoever asks) and
// the machine waits. The host answers TokenReceived / TokenFailed with the
// same request_id; any other id is stale and dropped. The answer is handed to
// the Client, which tells both machines (token_ready / token_failed).
//
// Rules:
//  - Without token_url the keeper is inert: no effect, no state, no change.
//  - The token goes into hello.auth and the Authorization header only: it is
//    never logged and never persisted (the session blob does not know it).
//  - A refusal (close 4003, HTTP 401) calls drop(): the next ready() fetches.
#pragma once

#include <cstdint>
#include <string>

#include "events.hpp"

namespace natter {

class Client;

class TokenKeeper {
 public:
  static constexpr int64_t kRefreshMarginMs = 30000;
  static constexpr std::size_t kMaxTokenBytes = 4096;
  static constexpr int64_t kMaxLifetimeS = 86400;  // a longer expires_in is capped

  explicit TokenKeeper(Client& client) : c_(client) {}

  bool enabled() const;
  // True when token() may be used now (or no token is needed at all). False:
  // a fetch is under way (asked for now if it was not already); wait for
  // Client's token_ready / token_failed.
  bool ready(int64_t now);
  const std::string& token() const { return token_; }
  // The server refused the token: forget it.
  void drop();
  // Stops waiting for the fetch under way (its answer will be stale).
  void abandon() { pending_ = 0; }
  bool fetching() const { return pending_ != 0; }

  // What an answer did: nothing (stale), a usable token, or a failure
  // (logged once, naming the endpoint and its status, never the token).
  enum class Outcome { Stale, Ready, Failed };
  Outcome on_received(const TokenReceived& e, int64_t now);
  Outcome on_failed(const TokenFailed& e);

 private:
  Client& c_;
  std::string token_;
  int64_t expires_at_ = 0;
  uint32_t pending_ = 0;  // the request id of the fetch under way, 0: none
};

}  // namespace natter
