// A machine's legal transitions, kept as data (the h11 way): each machine
// lists its rows in one table, checks every change of state against it and
// refuses the rest, and a native test renders the same rows as the
// machine's diagram in docs/, so the docs cannot drift from the code.
// The check and the refusal are written once, in base/machine.hpp.
//
// A refused transition is a bug in the core, never bad input: the machine
// reports it (Client::refuse_transition: counted in Stats, one error Log),
// keeps its state, and the caller stops before any side effect.
#pragma once

#include <algorithm>
#include <cstddef>

namespace natter {

template <typename State>
struct Transition {
  State from, to;
  const char* on;  // what causes it, as the diagram shows it (NATTER_ON)
};

// A row's label only feeds the diagram the native tests render: the WASM
// build (wasm/CMakeLists.txt) defines NATTER_NO_TRANSITION_LABELS and ships
// the rows without their text (about 2 kB less).
#ifdef NATTER_NO_TRANSITION_LABELS
#define NATTER_ON(label) nullptr
#else
#define NATTER_ON(label) label
#endif

template <typename State>
bool legal_in(const Transition<State>* table, std::size_t count, State from, State to) {
  return std::any_of(table, table + count, [&](const Transition<State>& t) { return t.from == from && t.to == to; });
}

}  // namespace natter
