// Renders a machine's transition table (transitions.hpp) as the mermaid
// diagram kept in docs/, and checks the committed file against it, so the
// diagram cannot drift from the table the machine enforces. After changing
// a table: NATTER_UPDATE_DOCS=1 natter_tests --gtest_filter='*States.*',
// then review the diff.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "base/transitions.hpp"

namespace natter::testing {

// Where a diagram comes from, as its header names it.
struct DiagramSource {
  const char* title;      // "Connection states"
  const char* doc;        // file under docs/
  const char* table;      // the table's name in the code
  const char* code_file;  // where the table lives
  const char* test_file;  // the test that renders it
  const char* note;       // more lines under the header ("" none)
};

template <typename State>
std::string render_state_diagram(const DiagramSource& src, const Transition<State>* rows, std::size_t count,
                                 State initial) {
  std::ostringstream md;
  md << "# " << src.title << "\n\n"
     << "Generated from `" << src.table << "` in `" << src.code_file << "` by\n"
     << "`" << src.test_file << "`; do not edit by hand.\n"
     << "The machine refuses (and counts) any transition not listed here.\n"
     << src.note << "\n"
     << "```mermaid\nstateDiagram-v2\n    [*] --> " << state_name(initial) << "\n";
  for (std::size_t i = 0; i < count; ++i)
    md << "    " << state_name(rows[i].from) << " --> " << state_name(rows[i].to) << ": " << rows[i].on << "\n";
  md << "```\n";
  return md.str();
}

// Fails when docs/<src.doc> differs from `rendered`; rewrites it first under
// NATTER_UPDATE_DOCS.
inline void expect_doc_matches(const DiagramSource& src, const std::string& rendered) {
  const std::filesystem::path doc = std::filesystem::path(NATTER_TRANSCRIPTS_DIR) / "../../docs" / src.doc;
  if (std::getenv("NATTER_UPDATE_DOCS")) std::ofstream(doc) << rendered;
  std::ifstream in(doc);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), rendered) << "docs/" << src.doc << " is stale: regenerate it (see state_diagram.hpp)";
}

// How many states the table reaches from `initial`.
template <typename State>
std::size_t reachable_states(const Transition<State>* rows, std::size_t count, State initial) {
  std::set<State> seen{initial};
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t i = 0; i < count; ++i)
      if (seen.count(rows[i].from) && seen.insert(rows[i].to).second) grew = true;
  }
  return seen.size();
}

}  // namespace natter::testing
