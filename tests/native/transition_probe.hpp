// Test-only access to the machines' go(): the handlers agree with the
// tables, so most forbidden transitions cannot be reached through events;
// the refusal path is driven directly, as a bug in a handler would drive it.
#pragma once

#include "client.hpp"

namespace natter {

struct TransitionProbe {
  static bool go(Client& c, ConnState to) { return c.conn_.go(to); }
  static bool go(Client& c, TokenState to) { return c.token_.go(to); }
  static bool go(Client& c, SendState to) { return c.send_.go(to); }
  static bool go(Client& c, Ladder to) { return c.ladder_.go(to); }
  static TokenState token_state(const Client& c) { return c.token_.state(); }
  static SendState send_state(const Client& c) { return c.send_.state(); }
};

}  // namespace natter
