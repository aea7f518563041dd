// Every id the core hands out is minted here: message ids from the host's
// randomness (so two tabs never collide), request ids from a counter (so a
// late event about an old request is recognised as stale and dropped).
#pragma once

#include <cstdint>
#include <string>

namespace natter {

// xoshiro256** seeded through splitmix64: small, fast, and identical on
// every build, so a seed replays the same ids natively and in WASM.
class Random {
 public:
  Random(uint64_t seed_hi, uint64_t seed_lo);
  uint64_t next_u64();
  // Uniform in [0, 1).
  double next_unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

 private:
  uint64_t s_[4];
};

class IdMinter {
 public:
  IdMinter(uint64_t seed_hi, uint64_t seed_lo) : random_(seed_hi, seed_lo) {}
  // A random UUID (version 4 layout), lower-case hex.
  std::string uuid();
  // 192 random bits as 48 lower-case hex digits: a conversation key, for a
  // host that passed none (the native tests). The widget passes one drawn
  // from the browser's CSPRNG, since this generator's ids are seen by the
  // shop and would give the key away (docs/security.md, "Ids the core mints").
  std::string secret();
  uint32_t request_id() { return ++last_request_id_; }
  Random& random() { return random_; }

 private:
  Random random_;
  uint32_t last_request_id_ = 0;
};

}  // namespace natter
