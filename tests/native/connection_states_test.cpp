// The connection machine's transition table (kConnTransitions): the diagram
// in docs/connection-states.md is rendered from it, and every state is
// reachable.
#include <gtest/gtest.h>

#include "connection_machine.hpp"
#include "state_diagram.hpp"

namespace natter {
namespace {

using testing::DiagramSource;

const DiagramSource kSource{"Connection states", "connection-states.md", "kConnTransitions",
                            "wasm/src/connection_machine.cpp", "tests/native/connection_states_test.cpp", ""};

TEST(ConnectionStates, TheDiagramInTheDocsMatchesTheTable) {
  testing::expect_doc_matches(
      kSource, testing::render_state_diagram(kSource, kConnTransitions, kConnTransitionCount, ConnState::Idle));
}

TEST(ConnectionStates, EveryStateIsReachableFromIdle) {
  EXPECT_EQ(testing::reachable_states(kConnTransitions, kConnTransitionCount, ConnState::Idle), 9u);
}

}  // namespace
}  // namespace natter
