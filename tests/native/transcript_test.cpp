// Recorded stories, replayed: the native build must answer every scenario in
// tests/transcripts/ exactly as recorded. The WASM build replays the same
// files in node (tests/node/wasm_transcripts.test.mjs), so both builds are
// held to the same bytes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "boundary/json_client.hpp"

namespace natter {
namespace {

namespace fs = std::filesystem;
const fs::path kDir = NATTER_TRANSCRIPTS_DIR;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Replays one scenario; returns the transcript text (one line per step).
std::string replay(const nlohmann::json& scenario) {
  JsonClient client(scenario["config"].dump());
  std::string out;
  for (const auto& step : scenario["steps"]) {
    const std::string effects = client.handle(step["event"].dump(), step["now"].get<int64_t>());
    out += "{\"deadline\":" + std::to_string(client.next_deadline()) + ",\"effects\":" + effects + "}\n";
  }
  return out;
}

TEST(Transcripts, EveryScenarioReplaysExactlyAsRecorded) {
  const bool update = std::getenv("NATTER_UPDATE_TRANSCRIPTS") != nullptr;
  size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(kDir / "scenarios")) {
    if (entry.path().extension() != ".json") continue;
    auto scenario = nlohmann::json::parse(read_file(entry.path()), nullptr, false);
    ASSERT_FALSE(scenario.is_discarded()) << entry.path() << " is not valid JSON";
    const std::string got = replay(scenario);
    const fs::path expected = kDir / "expected" / (entry.path().stem().string() + ".jsonl");
    if (update) {
      std::ofstream(expected, std::ios::binary) << got;
    } else {
      ASSERT_TRUE(fs::exists(expected)) << expected << " missing: record it (see tests/transcripts/README.md)";
      EXPECT_EQ(got, read_file(expected)) << entry.path().filename() << " no longer replays as recorded";
    }
    ++checked;
  }
  EXPECT_GE(checked, 4u);
}

TEST(Transcripts, TheSameScenarioTwiceGivesTheSameBytes) {
  auto scenario = nlohmann::json::parse(read_file(kDir / "scenarios" / "rapid_enters.json"), nullptr, false);
  EXPECT_EQ(replay(scenario), replay(scenario));
}

}  // namespace
}  // namespace natter
