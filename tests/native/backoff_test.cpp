// Retry delays are a pure function: checked here on their own.
#include <gtest/gtest.h>

#include "base/backoff.hpp"

namespace natter {
namespace {

TEST(Backoff, TheFirstRetryComesWithinAQuarterSecond) {
  for (double r : {0.0, 0.5, 0.999}) {
    EXPECT_GE(retry_delay_ms(1, r), 125);
    EXPECT_LT(retry_delay_ms(1, r), 250);
  }
}

TEST(Backoff, LaterRetriesUseFullJitterUnderAGrowingCeilingCappedAtTwoSeconds) {
  EXPECT_EQ(retry_delay_ms(2, 0.0), 0);
  EXPECT_EQ(retry_delay_ms(2, 0.5), 500);   // ceiling 1000
  EXPECT_EQ(retry_delay_ms(3, 0.5), 1000);  // ceiling 2000
  EXPECT_EQ(retry_delay_ms(10, 0.5), 1000); // still capped at 2000
  EXPECT_LT(retry_delay_ms(1000, 0.99999), 2000);
}

}  // namespace
}  // namespace natter
