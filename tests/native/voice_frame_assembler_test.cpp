// The frame assembler (wasm/src/voice/audio/frame_assembler.hpp): whatever chunk
// sizes arrive, the frames out are the input cut at exact 20 ms boundaries,
// numbered 0, 1, 2, ... with timestamp = seq * frame length.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "voice/audio/frame_assembler.hpp"

namespace {

using natter::voice::AudioFrame;
using natter::voice::FrameAssembler;

// Feeds a ramp (sample i has value i) in the given chunk sizes and checks
// every popped frame continues the ramp exactly.
void feed_and_check(FrameAssembler& fa, const std::vector<int>& chunks, int total_frames) {
  const int frame = fa.frame_samples();
  std::vector<float> ramp(static_cast<size_t>(frame) * (total_frames + 2));
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = float(i);
  size_t off = 0, chunk_i = 0;
  uint32_t expected_seq = 0;
  while (expected_seq < uint32_t(total_frames)) {
    const int n = chunks[chunk_i++ % chunks.size()];
    ASSERT_TRUE(fa.push(&ramp[off], n));
    off += n;
    AudioFrame f;
    while (fa.pop(f)) {
      ASSERT_EQ(f.seq, expected_seq);
      ASSERT_EQ(f.timestamp, expected_seq * uint32_t(frame));
      for (int i = 0; i < frame; ++i) ASSERT_EQ(f.samples[i], float(f.timestamp + i)) << "seq " << f.seq;
      ++expected_seq;
    }
    // What is left over is less than one frame.
    ASSERT_EQ(off - size_t(expected_seq) * frame < size_t(frame), true);
  }
  EXPECT_EQ(fa.dropped_frames(), 0u);
}

TEST(VoiceFrameAssembler, Cuts128SampleWorkletQuantaInto960SampleFramesWithoutLosingASample) {
  FrameAssembler fa(960);
  feed_and_check(fa, {128}, 200);  // 960 = 7.5 quanta: frames end mid-quantum
}

TEST(VoiceFrameAssembler, CutsOddChunkSizesIntoExactFrames) {
  FrameAssembler fa(960);
  feed_and_check(fa, {1, 7, 959, 961, 3, 1920, 2881, 0, 441}, 300);
}

TEST(VoiceFrameAssembler, Cuts16kStreamsInto320SampleFrames) {
  FrameAssembler fa(320);
  std::mt19937 rng(3);
  std::vector<int> chunks;
  for (int i = 0; i < 100; ++i) chunks.push_back(1 + int(rng() % 700));
  feed_and_check(fa, chunks, 500);
}

TEST(VoiceFrameAssembler, DropsTheOldestFrameWhenTheReaderFallsBehind) {
  FrameAssembler fa(10, 4);
  std::vector<float> ramp(100);
  for (int i = 0; i < 100; ++i) ramp[i] = float(i);
  ASSERT_TRUE(fa.push(ramp.data(), 65));  // 6 frames finished, 4 slots: 3 kept + 1 filling
  EXPECT_EQ(fa.dropped_frames(), 3u);
  EXPECT_EQ(fa.ready_frames(), 3);
  AudioFrame f;
  ASSERT_TRUE(fa.pop(f));
  EXPECT_EQ(f.seq, 3u);  // 0..2 dropped; their seqs are not reused
  EXPECT_EQ(f.timestamp, 30u);
  EXPECT_EQ(f.samples[0], 30.0f);
  ASSERT_TRUE(fa.pop(f));
  ASSERT_TRUE(fa.pop(f));
  EXPECT_EQ(f.seq, 5u);
  EXPECT_FALSE(fa.pop(f));
  ASSERT_TRUE(fa.push(&ramp[65], 5));  // finishes frame 6 from the partial one
  ASSERT_TRUE(fa.pop(f));
  EXPECT_EQ(f.seq, 6u);
  EXPECT_EQ(f.samples[0], 60.0f);
  EXPECT_EQ(f.samples[9], 69.0f);
}

TEST(VoiceFrameAssembler, IgnoresEmptyPushesAndRejectsNullSamples) {
  FrameAssembler fa(960);
  EXPECT_TRUE(fa.push(nullptr, 0));
  EXPECT_FALSE(fa.push(nullptr, 5));
  EXPECT_EQ(fa.ready_frames(), 0);
}

TEST(VoiceFrameAssembler, KeepsTimestampsHonestAfterClear) {
  FrameAssembler fa(10);
  float s[25] = {};
  fa.push(s, 25);  // frames 0, 1 ready, 5 samples of frame 2 pending
  fa.clear();
  fa.push(s, 10);
  AudioFrame f;
  ASSERT_TRUE(fa.pop(f));
  EXPECT_EQ(f.seq, 3u);
  EXPECT_EQ(f.timestamp, 30u);
}

}  // namespace
