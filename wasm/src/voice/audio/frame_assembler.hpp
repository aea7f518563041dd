// Cuts a stream of capture samples, arriving in chunks of any size (128-
// sample AudioWorklet quanta, resampler output of odd lengths), into the
// fixed 20 ms frames the codec wants: 960 samples at 48 kHz, 320 at 16 kHz.
//
// Contracts:
//   * Memory: a ring of `capacity_frames` frame slots, allocated once by the
//     constructor. push() and pop() never allocate.
//   * Every frame gets the next sequence number (a 32-bit counter from 0;
//     the wire keeps its low 16 bits) and a timestamp in samples: the index
//     of its first sample in the capture stream, so timestamp ==
//     seq * frame_samples (mod 2^32) always holds.
//   * Samples are never reordered, duplicated or skipped inside the frames
//     that are popped. If the reader falls behind and every slot holds a
//     finished frame, the OLDEST unread frame is dropped (counted in
//     dropped_frames()): live audio prefers fresh frames to a growing delay.
//     A dropped frame's seq is not reused, so the receiver sees it as lost.
//
// Run loop: push() each chunk as it arrives, then pop() until it returns
// false and encode each frame.
#pragma once

#include <cstdint>
#include <vector>

namespace natter::voice {

struct AudioFrame {
  const float* samples = nullptr;  // frame_samples() samples; valid until the next push()
  uint32_t seq = 0;
  uint32_t timestamp = 0;          // in samples at the frame's rate
};

class FrameAssembler {
 public:
  // frame_samples: 960 (20 ms at 48 kHz) or 320 (20 ms at 16 kHz), or any
  // positive length. capacity_frames >= 2 (default 8 = 160 ms of slack).
  explicit FrameAssembler(int frame_samples, int capacity_frames = 8);

  int frame_samples() const { return frame_; }

  // Appends n samples (n >= 0; a null pointer with n > 0 is ignored and
  // returns false). Never allocates.
  bool push(const float* samples, int n);

  // The oldest complete frame not yet popped, if any.
  bool pop(AudioFrame& out);

  int ready_frames() const { return ready_; }
  uint64_t dropped_frames() const { return dropped_; }

  // Drops everything buffered; seq and timestamps continue.
  void clear();

 private:
  int frame_ = 0;
  int slots_ = 0;
  std::vector<float> ring_;            // slots_ * frame_ samples
  std::vector<uint32_t> slot_seq_;     // seq of the frame in each slot
  int write_slot_ = 0, write_pos_ = 0; // the slot being filled, and how far
  int read_slot_ = 0, ready_ = 0;      // oldest finished slot, finished count
  uint32_t next_seq_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace natter::voice
