// CaptureStream and PlaybackStream: the two halves the browser's voice
// worker runs. Captured at 44.1 kHz in 128-sample quanta, sent as packets,
// played out at 44.1 kHz: the speech envelope survives (correlation > 0.9
// at the best lag), talk spurts are flagged, drained() marks the end of an
// utterance, and flush() drops what is queued.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "voice/audio/capture_stream.hpp"
#include "voice/audio/playback_stream.hpp"
#include "voice/audio/voice_packet.hpp"
#include "voice_test_signals.hpp"

namespace {

using namespace natter::voice;
using namespace natter::voice::testing;

constexpr int kRate = 44100, kQuantum = 128;

struct Packets {
  std::vector<std::vector<uint8_t>> list;
};

// Pushes `signal` through a capture stream in worklet quanta.
Packets capture(CaptureStream& cap, const std::vector<float>& signal, std::vector<bool>* speaking = nullptr) {
  Packets out;
  for (size_t at = 0; at + kQuantum <= signal.size(); at += kQuantum) {
    std::memcpy(cap.input(), &signal[at], kQuantum * sizeof(float));
    const int n = cap.push(kQuantum);
    EXPECT_GE(n, 0);
    for (int i = 0; i < n; ++i) out.list.emplace_back(cap.packet(i), cap.packet(i) + cap.packet_bytes(i));
    if (speaking && n > 0) speaking->push_back(cap.speaking());
  }
  return out;
}

void deliver(PlaybackStream& play, const std::vector<uint8_t>& p, double at) {
  std::memcpy(play.input(), p.data(), p.size());
  EXPECT_GE(play.insert(static_cast<int>(p.size()), at), 0);
}

TEST(VoiceStreams, SpeechSurvivesCaptureToPlaybackAtADeviceRateOf44100) {
  CaptureStream cap(CaptureConfig{kRate, 48000, 24000, 5, true, 4096});
  PlaybackStream play(kRate);
  ASSERT_EQ(cap.status(), 0);
  ASSERT_EQ(play.status(), 0);
  std::vector<float> signal = speech_like(kRate, kRate * 3);
  Packets packets = capture(cap, signal);
  ASSERT_GT(packets.list.size(), 140u);  // ~150 frames of 20 ms
  std::vector<float> out;
  for (size_t i = 0; i < packets.list.size(); ++i) {
    deliver(play, packets.list[i], i * 20.0);
    const int n = play.pull();
    ASSERT_GT(n, 0);
    out.insert(out.end(), play.output(), play.output() + n);
  }
  for (int i = 0; i < 20; ++i) {
    const int n = play.pull();
    out.insert(out.end(), play.output(), play.output() + n);
  }
  const size_t block = kRate / 100;  // 10 ms
  const auto ref = envelope(signal, block * 20, block * 200, block);
  double best = -1;
  for (size_t lag = 0; lag < block * 30; lag += kRate / 1000) {
    if (lag + block * 220 > out.size()) break;
    best = std::max(best, correlation(ref, envelope(out, block * 20 + lag, block * 200, block)));
  }
  std::printf("envelope correlation %.3f over %zu packets\n", best, packets.list.size());
  EXPECT_GT(best, 0.9);
  EXPECT_EQ(play.stats().played, packets.list.size());
}

TEST(VoiceStreams, TheFirstPacketOfATalkSpurtIsFlaggedAndTheVadFollowsTheSpeech) {
  CaptureStream cap(CaptureConfig{kRate, 48000, 24000, 5, true, 4096});
  std::vector<float> signal(kRate, 0.0f);  // 1 s silence, 1 s speech, 1 s silence
  auto speech = speech_like(kRate, kRate);
  signal.insert(signal.end(), speech.begin(), speech.end());
  signal.insert(signal.end(), kRate, 0.0f);
  std::vector<bool> speaking;
  Packets packets = capture(cap, signal, &speaking);
  int flagged = 0;
  size_t first_flag = 0;
  for (size_t i = 0; i < packets.list.size(); ++i) {
    const auto d = decode_voice_packet(packets.list[i].data(), packets.list[i].size());
    ASSERT_EQ(d.error, PacketError::kOk);
    EXPECT_EQ(d.packet.seq, static_cast<uint16_t>(i));
    EXPECT_EQ(d.packet.timestamp, static_cast<uint32_t>(i * 960));
    if (d.packet.flags & kFlagSpeechStart) {
      if (!flagged++) first_flag = i;
    }
  }
  EXPECT_EQ(flagged, 1);
  EXPECT_GE(first_flag, 49u);  // not before the speech begins (frame 50)
  EXPECT_LE(first_flag, 54u);
  EXPECT_FALSE(speaking.front());
  EXPECT_FALSE(speaking.back());
  EXPECT_TRUE(std::count(speaking.begin(), speaking.end(), true) > 40);
}

TEST(VoiceStreams, DrainedMarksTheEndOfAnUtteranceAndFlushDropsWhatIsQueued) {
  CaptureStream cap(CaptureConfig{48000, 48000, 24000, 5, true, 4096});
  PlaybackStream play(48000);
  Packets packets = capture(cap, speech_like(48000, 48000));  // 1 s
  EXPECT_FALSE(play.drained());
  int audio = 0;
  for (size_t i = 0; i < packets.list.size(); ++i) {  // paced, as the server sends
    deliver(play, packets.list[i], i * 20.0);
    ASSERT_GT(play.pull(), 0);
    audio += play.last_kind() == PlaybackStream::kAudio;
    EXPECT_FALSE(play.drained());
  }
  while (!play.drained()) {
    ASSERT_GT(play.pull(), 0);
    audio += play.last_kind() == PlaybackStream::kAudio;
    ASSERT_LT(audio, 1000);
  }
  EXPECT_EQ(audio, static_cast<int>(packets.list.size()));

  // Queue a second utterance, then flush: nothing of it plays.
  PlaybackStream fresh(48000);
  for (size_t i = 0; i < packets.list.size(); ++i) deliver(fresh, packets.list[i], 0);
  fresh.flush();
  for (int i = 0; i < 20; ++i) {
    fresh.pull();
    EXPECT_EQ(fresh.last_kind(), PlaybackStream::kSilence);
  }
}

TEST(VoiceStreams, MalformedPacketsAreCountedNotPlayed) {
  PlaybackStream play(48000);
  const uint8_t junk[3] = {9, 9, 9};
  std::memcpy(play.input(), junk, sizeof junk);
  EXPECT_EQ(play.insert(3, 0), -1);
  EXPECT_EQ(play.insert(-5, 0), -1);
  EXPECT_EQ(play.malformed(), 1u);
}

}  // namespace
