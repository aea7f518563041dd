// An action's machine (kActionTransitions): the diagram in
// docs/action-states.md is rendered from it, every state is reachable, an
// action walks Proposed -> Confirming -> Running -> Reporting -> Done as the
// gateway answers, and a transition the table forbids is refused with
// nothing else done.
#include <gtest/gtest.h>

#include "chat/actions.hpp"
#include "harness.hpp"
#include "state_diagram.hpp"
#include "transition_probe.hpp"

namespace natter {
namespace {

using testing::DiagramSource;
using testing::Harness;
using testing::sse;

const DiagramSource kSource{"Action states", "action-states.md", "kActionTransitions", "wasm/src/chat/actions.cpp",
                            "tests/native/action_states_test.cpp",
                            "One machine per action the agent proposed; the gateway's ledger (POST /api/action) "
                            "decides which page runs it.\n"};

const char* kId = "act_AAAAAAAAAAAAAAAAAAAAAA";

TEST(ActionStates, TheDiagramInTheDocsMatchesTheTable) {
  testing::expect_doc_matches(kSource, testing::render_state_diagram(kSource, kActionTransitions,
                                                                     kActionTransitionCount, ActionState::Proposed));
}

TEST(ActionStates, EveryStateIsReachableFromProposed) {
  EXPECT_EQ(testing::reachable_states(kActionTransitions, kActionTransitionCount, ActionState::Proposed), 8u);
}

void proposed(Harness& h) {
  h.feed(SendClicked{"add it"});
  h.answer(h.last_request().request_id,
           sse("start", R"({"reply_id":"r-1"})") +
               sse("action", std::string(R"({"id":")") + kId +
                                 R"(","name":"add_to_cart","args":{},"confirm":true,"summary":{"title":"Astro Bot"}})") +
               sse("done", "{}"));
}

TEST(ActionStates, AnActionWalksThroughTheNamedStates) {
  Harness h;
  proposed(h);
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Proposed);
  h.feed(ActionConfirmed{kId});
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Confirming);
  h.answer(h.last_request().request_id, R"({"outcome":"run","fence":1,"retry":false})");
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Running);
  h.feed(ActionRan{kId, true, "", ""});
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Reporting);
  h.answer(h.last_request().request_id, R"({"outcome":"recorded"})");
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Done);
  EXPECT_EQ(h.client.stats().illegal_transitions, 0u);
}

TEST(ActionStates, AForbiddenTransitionIsRefusedReportedAndChangesNothing) {
  Harness h;
  proposed(h);
  while (h.client.poll()) {
  }
  ASSERT_FALSE(is_legal(ActionState::Proposed, ActionState::Running));
  EXPECT_FALSE(TransitionProbe::go(h.client, kId, ActionState::Running));
  std::vector<Effect> fx;
  while (auto e = h.client.poll()) fx.push_back(*e);
  EXPECT_EQ(h.client.actions().state_of(kId), ActionState::Proposed);
  EXPECT_EQ(h.client.stats().illegal_transitions, 1u);
  ASSERT_EQ(fx.size(), 1u) << "only the report";
  const auto* log = std::get_if<Log>(&fx[0]);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->text, "refused illegal action transition Proposed -> Running");
}

}  // namespace
}  // namespace natter
