#include "voice/audio/frame_assembler.hpp"

#include <algorithm>
#include <cstring>

namespace natter::voice {

FrameAssembler::FrameAssembler(int frame_samples, int capacity_frames)
    : frame_(std::max(1, frame_samples)), slots_(std::max(2, capacity_frames)) {
  ring_.assign(static_cast<size_t>(frame_) * slots_, 0.0f);
  slot_seq_.assign(static_cast<size_t>(slots_), 0);
}

bool FrameAssembler::push(const float* samples, int n) {
  if (n <= 0) return n == 0;
  if (samples == nullptr) return false;
  while (n > 0) {
    const int take = std::min(n, frame_ - write_pos_);
    std::memcpy(&ring_[static_cast<size_t>(write_slot_) * frame_ + write_pos_], samples,
                sizeof(float) * take);
    samples += take;
    n -= take;
    write_pos_ += take;
    if (write_pos_ < frame_) break;
    // The slot is a finished frame.
    slot_seq_[write_slot_] = next_seq_++;
    write_pos_ = 0;
    write_slot_ = (write_slot_ + 1) % slots_;
    ++ready_;
    if (ready_ == slots_) {
      // The slot we are about to fill still holds the oldest unread frame.
      read_slot_ = (read_slot_ + 1) % slots_;
      --ready_;
      ++dropped_;
    }
  }
  return true;
}

bool FrameAssembler::pop(AudioFrame& out) {
  if (ready_ == 0) return false;
  out.samples = &ring_[static_cast<size_t>(read_slot_) * frame_];
  out.seq = slot_seq_[read_slot_];
  out.timestamp = out.seq * static_cast<uint32_t>(frame_);
  read_slot_ = (read_slot_ + 1) % slots_;
  --ready_;
  return true;
}

void FrameAssembler::clear() {
  // The partial frame's samples are dropped; its seq is still unused, but
  // the stream time moves on: skip that seq so timestamps stay honest.
  if (write_pos_ > 0) ++next_seq_;
  dropped_ += static_cast<uint64_t>(ready_);
  write_pos_ = 0;
  ready_ = 0;
  read_slot_ = write_slot_;
}

}  // namespace natter::voice
