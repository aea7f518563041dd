// docs/connection-states.md is generated from the transition table the
// machine enforces (kConnTransitions), so the diagram cannot drift from the
// code. After changing the table: NATTER_UPDATE_DOCS=1 natter_tests
// --gtest_filter='ConnectionStates.*', then review the diff.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "connection_machine.hpp"

namespace natter {
namespace {

std::string render() {
  std::ostringstream md;
  md << "# Connection states\n\n"
     << "Generated from `kConnTransitions` in `wasm/src/connection_machine.cpp` by\n"
     << "`tests/native/connection_states_doc_test.cpp`; do not edit by hand.\n"
     << "The machine refuses (and counts) any transition not listed here.\n\n"
     << "```mermaid\nstateDiagram-v2\n    [*] --> Idle\n";
  for (std::size_t i = 0; i < kConnTransitionCount; ++i) {
    const ConnTransition& t = kConnTransitions[i];
    md << "    " << state_name(t.from) << " --> " << state_name(t.to) << ": " << t.on << "\n";
  }
  md << "```\n";
  return md.str();
}

TEST(ConnectionStates, TheDiagramInTheDocsMatchesTheTable) {
  const std::filesystem::path doc = std::filesystem::path(NATTER_TRANSCRIPTS_DIR) / "../../docs/connection-states.md";
  if (std::getenv("NATTER_UPDATE_DOCS")) std::ofstream(doc) << render();
  std::ifstream in(doc);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), render()) << "docs/connection-states.md is stale: regenerate it (see this file's header)";
}

TEST(ConnectionStates, EveryStateIsReachableFromIdle) {
  std::set<ConnState> seen{ConnState::Idle};
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t i = 0; i < kConnTransitionCount; ++i)
      if (seen.count(kConnTransitions[i].from) && seen.insert(kConnTransitions[i].to).second) grew = true;
  }
  EXPECT_EQ(seen.size(), 9u);
}

}  // namespace
}  // namespace natter
