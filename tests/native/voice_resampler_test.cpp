// The streaming resampler (wasm/src/voice/audio/resampler.hpp): accuracy against
// an ideal sine, chunk-size independence, anti-aliasing, errors as values.
//
// How accuracy is measured: a 1 kHz tone at half scale is converted; the
// output is compared with the ideal tone at the output rate, shifted by the
// resampler's stated delay (delay_in_samples() input samples). SNR is the
// ideal signal's power over the error's power, from 100 ms to 900 ms (the
// filter's start-up is excluded). Measured (Release, x86-64): 98..134 dB
// for every pair below; the threshold is 60 dB.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "voice/audio/resampler.hpp"
#include "voice_test_signals.hpp"

namespace {

using natter::voice::Resampler;
using namespace natter::voice::testing;

std::vector<float> convert(Resampler& r, const std::vector<float>& in, int chunk) {
  std::vector<float> out;
  std::vector<float> buf(static_cast<size_t>(r.max_output(chunk)));
  for (size_t off = 0; off < in.size(); off += chunk) {
    const int n = static_cast<int>(std::min<size_t>(chunk, in.size() - off));
    const int got = r.process(&in[off], n, buf.data(), static_cast<int>(buf.size()));
    EXPECT_GE(got, 0);
    out.insert(out.end(), buf.begin(), buf.begin() + std::max(got, 0));
  }
  return out;
}

double tone_snr_db(int in_rate, int out_rate, double hz) {
  Resampler r(in_rate, out_rate);
  EXPECT_EQ(r.status(), Resampler::kOk);
  const auto out = convert(r, sine(in_rate, hz, in_rate, 0.5), 128);
  const double delay_s = r.delay_in_samples() / in_rate;
  double sig = 0, err = 0;
  for (int k = out_rate / 10; k < out_rate * 9 / 10; ++k) {
    const double ideal = 0.5 * std::sin(2 * kPi * hz * (double(k) / out_rate - delay_s));
    sig += ideal * ideal;
    err += (out[k] - ideal) * (out[k] - ideal);
  }
  return 10 * std::log10(sig / std::max(err, 1e-30));
}

struct RatePair {
  int in, out;
};

class VoiceResamplerAccuracy : public ::testing::TestWithParam<RatePair> {};

TEST_P(VoiceResamplerAccuracy, KeepsA1kHzToneAbove60dBSnr) {
  const RatePair p = GetParam();
  const double snr = tone_snr_db(p.in, p.out, 1000);
  RecordProperty("snr_db", std::to_string(snr));
  std::printf("  %d -> %d: 1 kHz SNR %.1f dB\n", p.in, p.out, snr);
  EXPECT_GT(snr, 60.0);
}

INSTANTIATE_TEST_SUITE_P(VoiceDeviceRates, VoiceResamplerAccuracy,
                         ::testing::Values(RatePair{48000, 16000}, RatePair{16000, 48000},
                                           RatePair{44100, 48000}, RatePair{48000, 44100},
                                           RatePair{44100, 16000}, RatePair{22050, 48000},
                                           RatePair{96000, 48000}, RatePair{8000, 16000},
                                           RatePair{48000, 48000}));

TEST(VoiceResampler, KeepsA3kHzToneAbove60dBWhenDownsamplingTo16k) {
  EXPECT_GT(tone_snr_db(48000, 16000, 3000), 60.0);
  EXPECT_GT(tone_snr_db(44100, 16000, 3000), 60.0);
}

TEST(VoiceResampler, GivesIdenticalOutputWhateverTheChunkSizes) {
  const auto in = speech_like(44100, 44100);
  Resampler whole(44100, 48000, 44100);
  const auto reference = convert(whole, in, 44100);
  Resampler chunked(44100, 48000, 1000);
  std::mt19937 rng(7);
  std::vector<float> out, buf(static_cast<size_t>(chunked.max_output(1000)));
  size_t off = 0;
  while (off < in.size()) {
    const int n = static_cast<int>(std::min<size_t>(1 + rng() % 1000, in.size() - off));
    const int got = chunked.process(&in[off], n, buf.data(), static_cast<int>(buf.size()));
    ASSERT_GE(got, 0);
    ASSERT_LE(got, chunked.max_output(n));
    out.insert(out.end(), buf.begin(), buf.begin() + got);
    off += n;
  }
  ASSERT_EQ(out.size(), reference.size());
  for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], reference[i]) << "sample " << i;
  // One second in, one second (minus the delay) out.
  EXPECT_NEAR(double(out.size()), 48000.0, 1.0);
}

TEST(VoiceResampler, FiltersOutAToneAboveTheNewNyquistInsteadOfAliasingIt) {
  // 9 kHz cannot exist at 16 kHz; without a lowpass it would fold to 7 kHz.
  Resampler r(48000, 16000);
  const auto out = convert(r, sine(48000, 9000, 48000, 0.5), 128);
  const double level_db = 20 * std::log10(rms(&out[1600], 12800) / (0.5 / std::sqrt(2.0)));
  std::printf("  9 kHz tone after 48k -> 16k: %.1f dB\n", level_db);
  EXPECT_LT(level_db, -70.0);
}

TEST(VoiceResampler, ReportsBadRatesAndOversizedChunksAsValues) {
  EXPECT_EQ(Resampler(4000, 48000).status(), Resampler::kBadRate);
  EXPECT_EQ(Resampler(48000, 400000).status(), Resampler::kBadRate);
  EXPECT_EQ(Resampler(44101, 48000).status(), Resampler::kBadRate);  // L = 48000 > 1024
  Resampler r(48000, 16000, 256);
  float in[512] = {}, out[512];
  EXPECT_EQ(r.process(in, 257, out, 512), Resampler::kBadArgument);
  EXPECT_EQ(r.process(nullptr, 10, out, 512), Resampler::kBadArgument);
  EXPECT_EQ(r.process(in, 128, out, 2), Resampler::kOutputTooSmall);
  EXPECT_EQ(r.process(in, 128, out, 512), 43);  // ceil(128 / 3): outputs 0..42
  Resampler bad(4000, 48000);
  EXPECT_EQ(bad.process(in, 10, out, 512), Resampler::kBadRate);
}

}  // namespace
