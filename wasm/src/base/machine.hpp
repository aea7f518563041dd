// The skeleton every state machine of the core shares, written once: a
// machine describes itself in one MachineTable (its name in refusals, its
// state names, its allowed edges from transitions.hpp) and returns it from a
// `table_of(State)` overload beside its enum; is_legal, state_name,
// machine_may_go and machine_go below then work for that State.
//
// A new machine (CONTRIBUTING.md, "A new machine"):
//   enum class FooState : uint8_t { A, B };                 // foo.hpp
//   const MachineTable<FooState>& table_of(FooState);       // foo.hpp
//   const char* const kFooNames[] = {"A", "B"};             // foo.cpp, enum order
//   const Transition<FooState> kFooTransitions[] = {...};   // foo.cpp
//   const MachineTable<FooState> kFooMachine{"foo", kFooNames, kFooTransitions};
//   const MachineTable<FooState>& table_of(FooState) { return kFooMachine; }
// and its go(): `if (!machine_go(state_, to, c_)) return false;` then the
// data `to` carries.
//
// Kept small on purpose (the core cannot grow): the tables are constant
// data, the names are the strings the machines already had, and the only
// code per State is one lookup and one refusal.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/transitions.hpp"

namespace natter {

template <typename State>
struct MachineTable {
  const char* machine;             // as a refusal names it: "voice ladder"
  const char* const* names;        // indexed by the enum's value
  std::size_t name_count;
  const Transition<State>* rows;   // the allowed edges; the diagram in docs/ is rendered from them
  std::size_t count;

  template <std::size_t N, std::size_t R>
  constexpr MachineTable(const char* m, const char* const (&n)[N], const Transition<State> (&r)[R])
      : machine(m), names(n), name_count(N), rows(r), count(R) {}

  bool allows(State from, State to) const { return legal_in(rows, count, from, to); }
  const char* name(State s) const {
    const auto i = static_cast<std::size_t>(s);
    return i < name_count ? names[i] : "?";
  }
};

// Found by overload on the machine's own table_of; absent for other enums.
template <typename State>
auto is_legal(State from, State to) -> decltype(table_of(from).allows(from, to)) {
  return table_of(from).allows(from, to);
}

template <typename State>
auto state_name(State s) -> decltype(table_of(s).name(s)) {
  return table_of(s).name(s);
}

// Whether the table allows `state` -> `to`. A refusal is a bug in the core,
// never bad input (transitions.hpp): it is reported to `host`
// (Client::refuse_transition: counted, one error Log) and the caller stops
// before any side effect.
template <typename State, typename Host>
bool machine_may_go(State state, State to, Host& host) {
  const MachineTable<State>& t = table_of(state);
  if (t.allows(state, to)) return true;
  host.refuse_transition(t.machine, t.name(state), t.name(to));
  return false;
}

// machine_may_go, then moves `state` to `to`; a refused `to` leaves it unchanged.
template <typename State, typename Host>
bool machine_go(State& state, State to, Host& host) {
  if (!machine_may_go(state, to, host)) return false;
  state = to;
  return true;
}

}  // namespace natter
