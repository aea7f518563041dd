#include "voice/call/uplink_meter.hpp"

namespace natter::voice {

namespace {

// Reads a decimal uint32 at text[i]; false (and i unchanged) when none is
// there or it does not fit.
bool read_u32(const std::string& text, std::size_t& i, uint32_t& out) {
  std::size_t j = i;
  uint64_t v = 0;
  while (j < text.size() && text[j] >= '0' && text[j] <= '9' && j - i < 10) v = v * 10 + static_cast<uint64_t>(text[j++] - '0');
  if (j == i || v > 0xffffffffull || (j < text.size() && text[j] >= '0' && text[j] <= '9')) return false;
  i = j;
  out = static_cast<uint32_t>(v);
  return true;
}

}  // namespace

void UplinkMeter::reset() {
  const uint32_t next = next_;  // numbers go on: a late pong of the old path matches no new ping
  *this = UplinkMeter{};
  next_ = next;
}

std::string UplinkMeter::ping(int64_t now) {
  const uint32_t n = ++next_ == 0 ? ++next_ : next_;  // 0 marks an empty slot
  sent_[n % sent_.size()] = Sent{n, now};
  return "ping " + std::to_string(n);
}

bool UplinkMeter::pong(const std::string& text, int64_t now) {
  if (text.size() > kMaxPongChars || text.compare(0, 4, "pong") != 0) return false;
  bool moved = false;
  // Tokens after "pong", separated by spaces: "<n>" and "rx=<received>/<expected>".
  std::size_t i = 4;
  while (i < text.size()) {
    if (text[i] == ' ') { ++i; continue; }
    std::size_t end = text.find(' ', i);
    if (end == std::string::npos) end = text.size();
    uint32_t a = 0, b = 0;
    std::size_t j = i;
    if (read_u32(text, j, a) && j == end) {
      rtt_sample(a, now);
    } else if (text.compare(i, 3, "rx=") == 0) {
      j = i + 3;
      if (read_u32(text, j, a) && j < end && text[j] == '/' && read_u32(text, ++j, b) && j == end) {
        moved = loss_.report(a, b) || moved;
      }
    }
    i = end;  // an unknown token is skipped
  }
  return moved;
}

void UplinkMeter::rtt_sample(uint32_t n, int64_t now) {
  Sent& s = sent_[n % sent_.size()];
  if (n == 0 || s.n != n || now < s.at) return;
  const int64_t rtt = now - s.at;
  s.n = 0;  // a duplicated pong is one sample
  // Smoothed like TCP's SRTT but faster (a ping a second): 1/4 of each sample.
  srtt_ = srtt_ < 0 ? rtt : (3 * srtt_ + rtt) / 4;
}

PathQuality UplinkMeter::quality() const {
  PathQuality q;
  q.rtt_ms = srtt_;
  q.loss_pct = loss_.loss_pct();
  return q;
}

}  // namespace natter::voice
