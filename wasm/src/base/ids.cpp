#include "base/ids.hpp"

namespace natter {
namespace {

uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Random::Random(uint64_t seed_hi, uint64_t seed_lo) {
  uint64_t x = seed_hi ^ rotl(seed_lo, 29);
  for (auto& s : s_) s = splitmix64(x);
  s_[0] ^= seed_lo;  // both halves of the seed matter
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
}

uint64_t Random::next_u64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

std::string IdMinter::uuid() {
  uint64_t hi = random_.next_u64(), lo = random_.next_u64();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                            // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);            // variant 10
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    const uint64_t word = i < 16 ? hi : lo;
    const int shift = 60 - 4 * (i % 16);
    out.push_back(hex[(word >> shift) & 0xF]);
    if (i == 7 || i == 11 || i == 15 || i == 19) out.push_back('-');
  }
  return out;
}

std::string IdMinter::secret() {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(48);
  for (int w = 0; w < 3; ++w) {
    const uint64_t word = random_.next_u64();
    for (int shift = 60; shift >= 0; shift -= 4) out.push_back(hex[(word >> shift) & 0xF]);
  }
  return out;
}

}  // namespace natter
