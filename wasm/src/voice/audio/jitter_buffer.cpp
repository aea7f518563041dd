#include "voice/audio/jitter_buffer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace natter::voice {
namespace {

constexpr int kAdjustEveryPulls = 5;  // at most one drop or stretch per 100 ms
constexpr int kDryPullsToIdle = 50;   // 1 s without packets: rebuffer on the next

}  // namespace

JitterBuffer::JitterBuffer(const JitterConfig& config)
    : config_(config),
      slots_(kSlots),
      data_(static_cast<size_t>(kSlots) * kMaxVoicePayloadBytes),
      transit_(kJitterWindow, 0.0) {
  if (config_.frame_ms <= 0) config_.frame_ms = 20;
  if (config_.clock_rate <= 0) config_.clock_rate = 48000;
  min_frames_ = std::max(1, config_.min_depth_ms / config_.frame_ms);
  max_frames_ = std::clamp(config_.max_depth_ms / config_.frame_ms, min_frames_, kSlots / 2);
  target_ = min_frames_;
}

int JitterBuffer::buffered_frames() const {
  if (!have_any_ || fresh_) return 0;
  return static_cast<int>(std::max<int64_t>(0, newest_ - next_ + 1));
}

void JitterBuffer::note_transit(uint32_t timestamp, int64_t arrival_ms) {
  // Unwrap the timestamp against the newest packet's (within +-2^31).
  const int64_t ts = ref_ts_ + static_cast<int32_t>(timestamp - static_cast<uint32_t>(ref_ts_));
  const double transit = double(arrival_ms) - double(ts) * 1000.0 / config_.clock_rate;
  transit_[static_cast<size_t>(transit_next_)] = transit;
  transit_next_ = (transit_next_ + 1) % kJitterWindow;
  transit_count_ = std::min(transit_count_ + 1, kJitterWindow);
  double lo = transit_[0], hi = transit_[0];
  for (int i = 1; i < transit_count_; ++i) {
    lo = std::min(lo, transit_[static_cast<size_t>(i)]);
    hi = std::max(hi, transit_[static_cast<size_t>(i)]);
  }
  const int frames = static_cast<int>(std::ceil((hi - lo) / config_.frame_ms)) + 1;
  target_ = std::clamp(frames, min_frames_, max_frames_);
}

void JitterBuffer::restart_at(int64_t ext) {
  for (Slot& s : slots_) s.used = false;
  started_ = false;
  fresh_ = false;
  next_ = newest_ = ext;
  waited_ = since_adjust_ = dry_ = 0;
}

InsertResult JitterBuffer::insert(uint16_t seq, uint32_t timestamp, const uint8_t* payload,
                                  size_t bytes, int64_t arrival_ms) {
  if (payload == nullptr || bytes == 0 || bytes > kMaxVoicePayloadBytes) return InsertResult::kInvalid;
  const int64_t ext = have_any_ ? newest_ + static_cast<int16_t>(seq - static_cast<uint16_t>(newest_))
                                : int64_t{seq};
  if (!have_any_) ref_ts_ = timestamp;
  InsertResult result = InsertResult::kStored;
  if (!have_any_ || (fresh_ && ext > newest_)) {
    restart_at(ext);  // the first packet, or the first after the stream went idle
    // A new talkspurt: the sender numbered frames, not wall time, so the
    // pause before it would read as that much jitter. Its depth is learnt afresh.
    ref_ts_ = timestamp;
    transit_count_ = transit_next_ = 0;
  } else if (ext < next_ || (fresh_ && ext <= newest_)) {
    if (started_ || fresh_ || newest_ - ext >= kSlots) {
      ++stats_.late;
      note_transit(timestamp, arrival_ms);
      return InsertResult::kLate;
    }
    next_ = ext;  // still buffering: an earlier packet arrived second
  } else if (ext - next_ >= kSlots) {
    ++stats_.restarts;
    restart_at(ext);
    // A new timeline: forget the old timestamps and transit history.
    ref_ts_ = timestamp;
    transit_count_ = transit_next_ = 0;
    result = InsertResult::kRestarted;
  } else if (slot(ext).used && slot(ext).ext == ext) {
    ++stats_.duplicates;
    return InsertResult::kDuplicate;
  }
  have_any_ = true;
  note_transit(timestamp, arrival_ms);
  if (ext > newest_) {  // (a restart already moved newest_ and ref_ts_)
    ref_ts_ += static_cast<int32_t>(timestamp - static_cast<uint32_t>(ref_ts_));
    newest_ = ext;
  }
  Slot& s = slot(ext);
  s.used = true;
  s.ext = ext;
  s.timestamp = timestamp;
  s.bytes = bytes;
  std::memcpy(data(ext), payload, bytes);
  return result;
}

PullResult JitterBuffer::pull() {
  PullResult r;
  if (!have_any_ || fresh_) {
    ++stats_.empty;
    return r;
  }
  if (!started_) {
    if (++waited_ <= target_) {  // a full `target` frame periods after arrival
      ++stats_.empty;
      return r;
    }
    started_ = true;
    since_adjust_ = 0;
  }
  ++since_adjust_;
  const int depth = buffered_frames();
  if (since_adjust_ >= kAdjustEveryPulls && depth > target_ + 2 && slot(next_).used &&
      slot(next_).ext == next_) {
    // Too deep: skip one frame's audio to cut the delay.
    release(next_++);
    ++stats_.dropped_for_latency;
    since_adjust_ = 0;
  } else if (since_adjust_ >= kAdjustEveryPulls && depth > 0 && depth + 1 < target_) {
    // Too shallow for the measured jitter: stretch by one concealed frame.
    ++stats_.empty;
    since_adjust_ = 0;
    return r;
  }
  Slot& s = slot(next_);
  if (s.used && s.ext == next_) {
    r.kind = PullResult::kPacket;
    r.seq = static_cast<uint16_t>(next_);
    r.timestamp = s.timestamp;
    r.payload = data(next_);
    r.bytes = s.bytes;
    release(next_++);
    ++stats_.played;
    dry_ = 0;
    return r;
  }
  if (newest_ > next_) {
    r.kind = PullResult::kLost;
    r.seq = static_cast<uint16_t>(next_);
    const Slot& n = slot(next_ + 1);
    if (n.used && n.ext == next_ + 1) {
      r.fec = data(next_ + 1);
      r.fec_bytes = n.bytes;
    }
    ++next_;
    ++stats_.lost;
    dry_ = 0;
    return r;
  }
  // Ran dry: wait for the packet (the delay grows by one frame).
  ++stats_.empty;
  if (++dry_ >= kDryPullsToIdle) {
    fresh_ = true;  // idle: the next packet after newest_ starts a new buffering phase
    started_ = false;
  }
  return r;
}

}  // namespace natter::voice
