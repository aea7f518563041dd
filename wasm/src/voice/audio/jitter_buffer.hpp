// The receive side's playout buffer: voice packets arrive late, early, out
// of order, twice or never; the player pulls exactly one 20 ms frame per
// 20 ms of audio it plays. Clock-free: the caller passes each packet's
// arrival time (ms, any monotonic origin) and drives playout with pull().
//
// Run loop (one voice stream):
//   on each packet:    insert(seq, timestamp, payload, bytes, now_ms)
//   every 20 ms:       r = pull();
//     kPacket -> decode r.payload
//     kLost   -> r.fec ? decoder.decode_fec(r.fec, ...) : decoder.decode(nullptr, ...)
//     kEmpty  -> nothing due (buffering, or the stream ran dry): play PLC
//                (if a stream was playing) or silence. No seq is consumed.
//
// Rules:
//   * Every packet is played at most once and strictly in seq order.
//     Duplicates and packets whose turn has passed are dropped (counted).
//   * A missing packet is reported kLost when its turn comes and a later
//     packet is already here; if nothing later is here (the stream ran dry)
//     pull() returns kEmpty and waits, which also deepens the buffer.
//   * Depth adapts to jitter: target = (max - min transit time over the last
//     kJitterWindow packets) / frame + 1 frame, clamped to [min, max] depth
//     (default 40..200 ms). Playout starts target + 1 pulls after the first
//     packet arrives (so it has waited at least `target` frame periods).
//     Above target + 2 frames, one frame is dropped per 100 ms (its audio is
//     skipped, counted in dropped_for_latency); below target - 1, one kEmpty
//     is inserted per 100 ms (the decoder conceals it). Running dry also
//     deepens the buffer: each kEmpty delays the rest by one frame.
//   * Seq numbers are 16-bit and wrap; they are unwrapped against the newest
//     one seen. A packet more than kSlots ahead of the play point restarts
//     buffering from it (the sender restarted or we slept). After 1 s dry
//     (kEmpty with nothing newer), the stream is idle: the next newer packet
//     starts a new buffering phase, so a pause (mute, DTX) is not reported
//     as a burst of lost frames; it also forgets the transit history (the
//     gateway numbers the agent's frames without gaps, so the pause would
//     read as that much jitter and hold the next answer back 200 ms).
//   * Memory: kSlots fixed slots of kMaxVoicePayloadBytes, allocated by the
//     constructor; insert() and pull() never allocate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "voice/audio/voice_packet.hpp"

namespace natter::voice {

struct JitterConfig {
  int clock_rate = 48000;   // timestamp units per second
  int frame_ms = 20;
  int min_depth_ms = 40;
  int max_depth_ms = 200;
};

enum class InsertResult { kStored, kDuplicate, kLate, kInvalid, kRestarted };

struct PullResult {
  enum Kind { kPacket, kLost, kEmpty } kind = kEmpty;
  uint16_t seq = 0;             // kPacket, kLost: the frame this pull stands for
  uint32_t timestamp = 0;       // kPacket only
  const uint8_t* payload = nullptr;  // kPacket: valid until the next insert()/pull()
  size_t bytes = 0;
  const uint8_t* fec = nullptr; // kLost: the next packet, when already here
  size_t fec_bytes = 0;
};

struct JitterStats {
  uint64_t played = 0, lost = 0, empty = 0, duplicates = 0, late = 0;
  uint64_t dropped_for_latency = 0, restarts = 0;
};

class JitterBuffer {
 public:
  static constexpr int kSlots = 64;          // 1.28 s of 20 ms frames
  static constexpr int kJitterWindow = 100;  // packets (2 s) of transit history

  explicit JitterBuffer(const JitterConfig& config = {});

  InsertResult insert(uint16_t seq, uint32_t timestamp, const uint8_t* payload, size_t bytes,
                      int64_t arrival_ms);
  PullResult pull();

  int target_depth_frames() const { return target_; }
  int target_depth_ms() const { return target_ * config_.frame_ms; }
  // Frames from the play point to the newest packet (holes included).
  int buffered_frames() const;
  bool playing() const { return started_; }
  const JitterStats& stats() const { return stats_; }

 private:
  struct Slot {
    bool used = false;
    int64_t ext = 0;
    uint32_t timestamp = 0;
    size_t bytes = 0;
  };
  Slot& slot(int64_t ext) { return slots_[static_cast<size_t>(ext & (kSlots - 1))]; }
  uint8_t* data(int64_t ext) { return &data_[static_cast<size_t>(ext & (kSlots - 1)) * kMaxVoicePayloadBytes]; }
  void note_transit(uint32_t timestamp, int64_t arrival_ms);
  void restart_at(int64_t ext);
  void release(int64_t ext) { slot(ext).used = false; }

  JitterConfig config_;
  std::vector<Slot> slots_;
  std::vector<uint8_t> data_;
  std::vector<double> transit_;  // ring of kJitterWindow transit times (ms)
  int transit_count_ = 0, transit_next_ = 0;
  bool have_any_ = false, fresh_ = true, started_ = false;
  int64_t next_ = 0, newest_ = 0;   // extended seqs
  int64_t ref_ts_ = 0;              // unwrapped timestamp of the newest packet
  int waited_ = 0, since_adjust_ = 0, dry_ = 0;
  int min_frames_ = 2, max_frames_ = 10, target_ = 2;
  JitterStats stats_;
};

}  // namespace natter::voice
