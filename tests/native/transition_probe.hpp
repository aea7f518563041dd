// Test-only access to the machines' go(): the handlers agree with the
// tables, so most forbidden transitions cannot be reached through events;
// the refusal path is driven directly, as a bug in a handler would drive it.
#pragma once

#include "client.hpp"

namespace natter {
namespace voice {
struct VoiceMachineProbe {
  static void set_state(VoiceMachine& m, VoiceState to) { m.set_state(to); }
};
}  // namespace voice

struct TransitionProbe {
  static bool go(Client& c, ConnState to) { return c.conn_.go(to); }
  static bool go(Client& c, TokenState to) { return c.token_.go(to); }
  static bool go(Client& c, SendState to) { return c.send_.go(to); }
  static bool go(Client& c, Ladder to) { return c.ladder_.go(to); }
  static bool go(Client& c, RuntimeState to) { return c.runtime_.go(to); }
  // The voice call's machine asked for `to`; its effects translated as a step's are.
  static bool go(Client& c, voice::VoiceState to) {
    voice::VoiceMachineProbe::set_state(c.voice_.m_, to);
    while (auto e = c.voice_.m_.poll()) c.voice_.translate(*e);
    return c.voice_.m_.state() == to;
  }
  static bool go(Client& c, const std::string& action_id, ActionState to) {
    for (auto& a : c.actions_.actions_)
      if (a.id == action_id) return c.actions_.go(a, to);
    return false;
  }
  static TokenState token_state(const Client& c) { return c.token_.state(); }
  static SendState send_state(const Client& c) { return c.send_.state(); }
};

}  // namespace natter
