// The token keeper's transition table (kTokenTransitions): the diagram in
// docs/token-states.md is rendered from it, every state is reachable, and a
// transition it forbids is refused with nothing else done.
#include <gtest/gtest.h>

#include "session_harness.hpp"
#include "state_diagram.hpp"
#include "session/token_keeper.hpp"
#include "transition_probe.hpp"

namespace natter {
namespace {

using testing::DiagramSource;
using testing::Harness;

const DiagramSource kSource{"Token states", "token-states.md", "kTokenTransitions", "wasm/src/session/token_keeper.cpp",
                            "tests/native/token_states_test.cpp",
                            "Without a `token_url` the keeper stays in NoToken.\n"};

TEST(TokenStates, TheDiagramInTheDocsMatchesTheTable) {
  testing::expect_doc_matches(
      kSource, testing::render_state_diagram(kSource, kTokenTransitions, kTokenTransitionCount, TokenState::NoToken));
}

TEST(TokenStates, EveryStateIsReachableFromNoToken) {
  EXPECT_EQ(testing::reachable_states(kTokenTransitions, kTokenTransitionCount, TokenState::NoToken), 4u);
}

TEST(TokenStates, AForbiddenTransitionIsRefusedReportedAndChangesNothing) {
  Config c = testing::session_config();
  c.token_url = "https://shop.test/natter-token";
  Harness h(c);
  h.feed(SessionWanted{});  // NoToken -> Fetching
  ASSERT_EQ(TransitionProbe::token_state(h.client), TokenState::Fetching);
  ASSERT_FALSE(is_legal(TokenState::Fetching, TokenState::Refreshing));

  EXPECT_FALSE(TransitionProbe::go(h.client, TokenState::Refreshing));
  std::vector<Effect> fx;
  while (auto e = h.client.poll()) fx.push_back(*e);

  EXPECT_EQ(TransitionProbe::token_state(h.client), TokenState::Fetching);
  EXPECT_EQ(h.client.stats().illegal_transitions, 1u);
  ASSERT_EQ(fx.size(), 1u) << "only the report: no TokenRequested, nothing else";
  const auto* log = std::get_if<Log>(&fx[0]);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->level, "error");
  EXPECT_EQ(log->text, "refused illegal token transition Fetching -> Refreshing");

  // The fetch under way still counts: its answer is taken, not dropped as stale.
  h.feed(TokenReceived{h.all_of<TokenRequested>().back().request_id, "tok", 300});
  EXPECT_EQ(TransitionProbe::token_state(h.client), TokenState::Holding);
  EXPECT_EQ(h.client.connection().state(), ConnState::ExpectOpen);
}

}  // namespace
}  // namespace natter
