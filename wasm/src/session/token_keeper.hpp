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
// States (docs/token-states.md is generated from kTokenTransitions):
//   NoToken     nothing held, nothing asked
//   Fetching    a fetch is under way (pending_), no token held
//   Holding     a token (token_, expires_at_), nothing asked
//   Refreshing  a token about to expire is still held while a fresh one is
//               fetched: a socket asked for earlier may still send it
//
// Rules:
//  - Without token_url the keeper is inert: no effect, no state, no change.
//  - The token goes into hello.auth and the Authorization header only: it is
//    never logged and never persisted (the session blob does not know it).
//  - A refusal (close 4003, HTTP 401) calls drop(): the next ready() fetches.
//  - Illegal transitions are refused (state unchanged), reported and counted
//    (transitions.hpp).
#pragma once

#include <cstdint>
#include <string>

#include "base/events.hpp"
#include "base/machine.hpp"

namespace natter {

class Client;

enum class TokenState : uint8_t { NoToken, Fetching, Holding, Refreshing };
// Its table (base/machine.hpp: is_legal, state_name, machine_go).
const MachineTable<TokenState>& table_of(TokenState);

// The legal transitions: docs/token-states.md is rendered from them by
// tests/native/token_states_test.cpp.
extern const Transition<TokenState> kTokenTransitions[];
extern const std::size_t kTokenTransitionCount;

class TokenKeeper {
 public:
  static constexpr int64_t kRefreshMarginMs = 30000;
  static constexpr std::size_t kMaxTokenBytes = 4096;
  static constexpr int64_t kMaxLifetimeS = 86400;  // a longer expires_in is capped

  explicit TokenKeeper(Client& client) : c_(client) {}

  bool enabled() const;
  // True when token() may be used now (or no token is needed at all). No effect.
  bool fresh(int64_t now) const;
  // fresh(now), else a fetch is under way (asked for now if it was not
  // already): wait for Client's token_ready / token_failed.
  bool ready(int64_t now);
  const std::string& token() const { return token_; }
  // The server refused the token: forget it.
  void drop();
  // Stops waiting for the fetch under way (its answer will be stale).
  void abandon();
  TokenState state() const { return state_; }

  // What an answer did: nothing (stale, or refused by the table), a usable
  // token, or a failure (logged once, naming the endpoint and its status,
  // never the token).
  enum class Outcome { Stale, Ready, Failed, Refused };
  Outcome on_received(const TokenReceived& e, int64_t now);
  Outcome on_failed(const TokenFailed& e);

 private:
  friend struct TransitionProbe;  // tests drive a refused transition
  // Moves to `to` and clears the data `to` does not carry; false (reported,
  // nothing changed) when the table forbids it.
  bool go(TokenState to);

  Client& c_;
  TokenState state_ = TokenState::NoToken;
  std::string token_;       // Holding, Refreshing
  int64_t expires_at_ = 0;  // Holding, Refreshing
  uint32_t pending_ = 0;    // Fetching, Refreshing: the request id of the fetch under way
};

}  // namespace natter
