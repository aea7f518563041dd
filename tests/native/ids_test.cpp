// Ids come from the host's randomness and replay exactly from a seed.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "base/ids.hpp"

namespace natter {
namespace {

TEST(Ids, MessageIdsAreVersionFourUuids) {
  IdMinter ids(1, 2);
  const std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(std::regex_match(ids.uuid(), uuid));
}

TEST(Ids, TheSameSeedGivesTheSameIdsAndAnotherSeedDoesNot) {
  IdMinter a(7, 9), b(7, 9), c(7, 10);
  const std::string first = a.uuid();
  EXPECT_EQ(first, b.uuid());
  EXPECT_NE(first, c.uuid());
}

TEST(Ids, TenThousandIdsNeverCollide) {
  IdMinter ids(3, 4);
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(seen.insert(ids.uuid()).second);
}

TEST(Ids, RequestIdsOnlyGoUp) {
  IdMinter ids(0, 0);
  const uint32_t a = ids.request_id();
  EXPECT_GT(ids.request_id(), a);
}

}  // namespace
}  // namespace natter
