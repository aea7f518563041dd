// Voice activity detection (wasm/src/voice/audio/vad.hpp) on synthetic signals:
// speech-like audio (pulse-train harmonics through moving formants, 4
// syllables a second) is detected; silence and steady noise are not; while
// the agent speaks only loud, clear speech counts (the echo guard).
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "voice/audio/vad.hpp"
#include "voice_test_signals.hpp"

namespace {

using natter::voice::Vad;
using natter::voice::VadResult;
using namespace natter::voice::testing;

constexpr int kRate = 48000, kFrame = 960;

struct Summary {
  int frames = 0, speaking = 0, starts = 0;
  float max_level = 0;
};

Summary classify(Vad& vad, const std::vector<float>& x, bool agent_speaking, size_t from = 0) {
  Summary s;
  for (size_t off = 0; off + kFrame <= x.size(); off += kFrame) {
    const VadResult r = vad.process(&x[off], kFrame, agent_speaking);
    if (off < from) continue;
    ++s.frames;
    s.speaking += r.speaking;
    s.starts += r.started;
    s.max_level = std::max(s.max_level, r.level);
  }
  return s;
}

std::vector<float> mix(std::vector<float> a, const std::vector<float>& b) {
  for (size_t i = 0; i < a.size(); ++i) a[i] += b[i];
  return a;
}

TEST(VoiceVad, HearsSpeechAfterQuietRoomToneAndStaysOnThroughSyllablePauses) {
  Vad vad;
  const auto room = white_noise(kRate, 0.0003, 1);  // ~-70 dBFS
  const Summary quiet = classify(vad, room, false);
  EXPECT_EQ(quiet.speaking, 0);
  EXPECT_LT(quiet.max_level, 0.2f);
  const auto talk = mix(speech_like(kRate, 3 * kRate), white_noise(3 * kRate, 0.0003, 2));
  const Summary s = classify(vad, talk, false);
  std::printf("  speech: %d of %d frames speaking, %d onsets, peak level %.2f\n", s.speaking, s.frames,
              s.starts, s.max_level);
  EXPECT_EQ(s.starts, 1) << "pauses between syllables (< 300 ms) do not end the turn";
  EXPECT_GT(s.speaking, s.frames * 9 / 10);
  EXPECT_GT(s.max_level, 0.6f);
}

TEST(VoiceVad, EndsTheTurnAfterTheHangoverWhenSpeechStops) {
  Vad vad;
  classify(vad, white_noise(kRate / 2, 0.0003, 3), false);
  classify(vad, speech_like(kRate, kRate * 7 / 10), false);  // stops mid-syllable
  ASSERT_TRUE(vad.speaking());
  const auto after = white_noise(kRate, 0.0003, 4);
  int ended_at = -1;
  for (int f = 0; f < 50; ++f) {
    if (vad.process(&after[size_t(f) * kFrame], kFrame, false).ended) ended_at = f;
  }
  EXPECT_GE(ended_at, 14);  // the 15-frame (300 ms) hangover, counted from the last loud frame
  EXPECT_LE(ended_at, 16);
  EXPECT_FALSE(vad.speaking());
}

TEST(VoiceVad, IgnoresSteadyNoiseEvenWhenItIsLoud) {
  for (double noise_rms : {0.001, 0.01, 0.05}) {
    Vad vad;
    const Summary s = classify(vad, white_noise(5 * kRate, noise_rms, 5), false);
    EXPECT_EQ(s.speaking, 0) << "noise rms " << noise_rms;
  }
}

TEST(VoiceVad, HearsSpeechOverSteadyNoiseAt10dBSnr) {
  Vad vad;
  const auto speech = speech_like(kRate, 4 * kRate);
  const double speech_rms = rms(speech.data(), speech.size());
  const auto noise = white_noise(5 * kRate, speech_rms / 3.16, 6);
  std::vector<float> x(noise);
  for (size_t i = 0; i < speech.size(); ++i) x[kRate + i] += speech[i];
  const Summary s = classify(vad, x, false, kRate);
  EXPECT_GT(s.speaking, s.frames * 6 / 10);
}

TEST(VoiceVad, NeedsLoudClearSpeechWhileTheAgentIsSpeaking) {
  // Echo-like: the speech signal 20 dB down (what leaks from the speakers).
  const auto echo = mix(speech_like(kRate, 3 * kRate, 0.1), white_noise(3 * kRate, 0.0003, 7));
  const auto lead_in = white_noise(kRate / 2, 0.0003, 8);
  {
    Vad vad;
    classify(vad, lead_in, false);
    EXPECT_GT(classify(vad, echo, false).starts, 0) << "without the gate this level is speech";
  }
  {
    Vad vad;
    classify(vad, lead_in, true);
    EXPECT_EQ(classify(vad, echo, true).speaking, 0) << "with the gate it is not";
  }
  {
    Vad vad;
    classify(vad, lead_in, true);
    const Summary loud = classify(vad, speech_like(kRate, 3 * kRate), true);
    EXPECT_GT(loud.starts, 0) << "a shopper talking over the agent still barges in";
    EXPECT_GT(loud.speaking, loud.frames * 7 / 10);
  }
}

}  // namespace
