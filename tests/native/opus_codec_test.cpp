// The voice codec wrapper (wasm/src/voice/audio/opus_codec.hpp): audio survives an
// encode -> decode round trip, lost packets are concealed or rebuilt from
// FEC, and bad arguments come back as named errors, never as crashes.
//
// How "survives" is measured: decoded audio lags the input by the codec delay
// (the encoder's lookahead: 312 samples at 48 kHz), so each check first
// finds the lag within +-64 samples of it (less than half a period of the
// 440 Hz sine, so the match is unambiguous) that best correlates output
// with input, then compares
// the aligned signals, skipping the first 100 ms while the codec settles:
//   * a 440 Hz sine at 24 kbit/s must keep an SNR above 10 dB;
//   * a synthetic vowel-like signal must keep its loudness contour: the
//     10 ms RMS envelopes of input and output correlate above 0.9.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "voice/audio/opus_codec.hpp"

namespace {

using natter::voice::DecoderConfig;
using natter::voice::EncoderConfig;
using natter::voice::kMaxPacketBytes;
using natter::voice::OpusDecoder;
using natter::voice::OpusEncoder;
using natter::voice::opus_error_name;

constexpr double kPi = 3.14159265358979323846;

std::vector<int16_t> sine(int rate, double hz, int samples, double amplitude) {
  std::vector<int16_t> out(samples);
  for (int i = 0; i < samples; ++i) {
    out[i] = static_cast<int16_t>(std::lround(amplitude * 32767 * std::sin(2 * kPi * hz * i / rate)));
  }
  return out;
}

// Speech-like: a glottal pulse train (pitch gliding 110..170 Hz) through two
// formant resonators, shaped into 4 "syllables" per second with pauses.
std::vector<int16_t> speech_like(int rate, int samples) {
  std::vector<int16_t> out(samples);
  double phase = 0, y1a = 0, y2a = 0, y1b = 0, y2b = 0;
  auto resonator = [rate](double f, double bw, double x, double& y1, double& y2) {
    const double r = std::exp(-kPi * bw / rate);
    const double y = x + 2 * r * std::cos(2 * kPi * f / rate) * y1 - r * r * y2;
    y2 = y1;
    y1 = y;
    return y * (1 - r);
  };
  for (int i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double pitch = 140 + 30 * std::sin(2 * kPi * 0.7 * t);
    phase += pitch / rate;
    const double pulse = phase >= 1 ? 1.0 : 0.0;
    if (phase >= 1) phase -= 1;
    const double f1 = 600 + 250 * std::sin(2 * kPi * 1.3 * t);
    const double f2 = 1600 + 500 * std::sin(2 * kPi * 0.9 * t);
    const double v = resonator(f1, 90, pulse, y1a, y2a) + 0.6 * resonator(f2, 120, pulse, y1b, y2b);
    const double syllable = std::max(0.0, std::sin(2 * kPi * 2 * t));  // 4 bursts per second
    out[i] = static_cast<int16_t>(std::lround(std::clamp(v * syllable * 3.0, -1.0, 1.0) * 20000));
  }
  return out;
}

struct RoundTrip {
  std::vector<int16_t> out;
  int lookahead = 0;
};

// Encodes `in` frame by frame and decodes each packet; returns the output.
RoundTrip round_trip(const std::vector<int16_t>& in, int rate, int frame) {
  EncoderConfig ec;
  ec.sample_rate = rate;
  OpusEncoder enc(ec);
  OpusDecoder dec(DecoderConfig{rate, 1});
  EXPECT_EQ(enc.status(), OPUS_OK);
  EXPECT_EQ(dec.status(), OPUS_OK);
  std::vector<int16_t> out(in.size());
  uint8_t packet[kMaxPacketBytes];
  for (size_t off = 0; off + frame <= in.size(); off += frame) {
    const int n = enc.encode(&in[off], frame, packet, sizeof packet);
    EXPECT_GT(n, 0) << opus_error_name(n);
    EXPECT_EQ(dec.decode(packet, n, &out[off], frame), frame);
  }
  return {out, enc.lookahead()};
}

struct Aligned {
  int lag = 0;
  double snr_db = 0;
};

// Finds the lag (output behind input) within +-64 of the codec's lookahead
// with the best correlation, and returns the SNR of the output against the
// input at that lag, from sample `skip` on.
Aligned align(const std::vector<int16_t>& in, const RoundTrip& rt, int skip) {
  const std::vector<int16_t>& out = rt.out;
  const int max_lag = rt.lookahead + 64;
  const int n = static_cast<int>(in.size()) - max_lag - skip;
  Aligned best;
  double best_corr = -1e300;
  for (int lag = std::max(0, rt.lookahead - 64); lag <= max_lag; ++lag) {
    double c = 0;
    for (int i = skip; i < skip + n; ++i) c += static_cast<double>(in[i]) * out[i + lag];
    if (c > best_corr) best_corr = c, best.lag = lag;
  }
  double sig = 0, err = 0;
  for (int i = skip; i < skip + n; ++i) {
    const double d = static_cast<double>(out[i + best.lag]) - in[i];
    sig += static_cast<double>(in[i]) * in[i];
    err += d * d;
  }
  best.snr_db = 10 * std::log10(sig / std::max(err, 1.0));
  return best;
}

std::vector<double> envelope(const std::vector<int16_t>& x, int from, int count, int block) {
  std::vector<double> env;
  for (int b = from; b + block <= from + count; b += block) {
    double e = 0;
    for (int i = b; i < b + block; ++i) e += static_cast<double>(x[i]) * x[i];
    env.push_back(std::sqrt(e / block));
  }
  return env;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = 0, mb = 0;
  for (size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
  ma /= a.size();
  mb /= b.size();
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  return ab / std::sqrt(aa * bb);
}

TEST(OpusCodec, a_440hz_sine_survives_a_round_trip_at_48khz) {
  const int rate = 48000;
  const auto in = sine(rate, 440, rate, 0.5);  // 1 s
  const RoundTrip rt = round_trip(in, rate, 960);
  const Aligned a = align(in, rt, rate / 10);
  RecordProperty("lag_samples", a.lag);
  RecordProperty("snr_db_x100", static_cast<int>(a.snr_db * 100));
  EXPECT_GT(a.snr_db, 10.0) << "lag " << a.lag;
}

TEST(OpusCodec, a_speech_like_signal_keeps_its_loudness_contour_at_48khz_and_16khz) {
  for (const int rate : {48000, 16000}) {
    const int frame = rate / 50;
    const auto in = speech_like(rate, 2 * rate);  // 2 s
    const RoundTrip rt = round_trip(in, rate, frame);
    const Aligned a = align(in, rt, rate / 10);
    const int count = static_cast<int>(in.size()) - a.lag - rate / 10;
    const double r = correlation(envelope(in, rate / 10, count, rate / 100),
                                 envelope(rt.out, rate / 10 + a.lag, count, rate / 100));
    RecordProperty("envelope_corr_x1000_at_" + std::to_string(rate), static_cast<int>(r * 1000));
    RecordProperty("lag_samples_at_" + std::to_string(rate), a.lag);
    EXPECT_GT(r, 0.9) << "rate " << rate << ", lag " << a.lag << ", snr " << a.snr_db;
  }
}

TEST(OpusCodec, a_lost_packet_is_concealed_with_a_full_frame_of_audio) {
  OpusEncoder enc(EncoderConfig{});
  OpusDecoder dec(DecoderConfig{});
  const auto in = speech_like(48000, 960 * 10);
  std::vector<int16_t> out(960);
  uint8_t packet[kMaxPacketBytes];
  for (int f = 0; f < 10; ++f) {
    const int n = enc.encode(&in[f * 960], 960, packet, sizeof packet);
    ASSERT_GT(n, 0);
    ASSERT_EQ(dec.decode(packet, n, out.data(), 960), 960);
  }
  ASSERT_EQ(dec.decode(nullptr, 0, out.data(), 960), 960);
  float outf[960];
  EXPECT_EQ(dec.decode(nullptr, 0, outf, 960), 960);  // float path conceals too
}

TEST(OpusCodec, fec_in_the_next_packet_rebuilds_a_lost_frame) {
  OpusEncoder enc(EncoderConfig{});
  OpusDecoder dec(DecoderConfig{});
  const auto in = speech_like(48000, 960 * 20);
  std::vector<int16_t> out(960);
  uint8_t packet[kMaxPacketBytes];
  for (int f = 0; f < 19; ++f) {
    const int n = enc.encode(&in[f * 960], 960, packet, sizeof packet);
    ASSERT_GT(n, 0);
    if (f == 18) {  // frame 17 was "lost": rebuild it from 18, then play 18
      EXPECT_EQ(dec.decode_fec(packet, n, out.data(), 960), 960);
    }
    if (f != 17) {
      ASSERT_EQ(dec.decode(packet, n, out.data(), 960), 960);
    }
  }
}

TEST(OpusCodec, bad_arguments_come_back_as_named_errors) {
  EncoderConfig bad_rate;
  bad_rate.sample_rate = 44100;
  EXPECT_STREQ(opus_error_name(OpusEncoder(bad_rate).status()), "OPUS_BAD_ARG");
  EXPECT_STREQ(opus_error_name(OpusDecoder(DecoderConfig{8000, 1}).status()), "OPUS_BAD_ARG");
  EncoderConfig stereo;
  stereo.channels = 2;
  EXPECT_STREQ(opus_error_name(OpusEncoder(stereo).status()), "OPUS_BAD_ARG");

  OpusEncoder enc(EncoderConfig{});
  OpusDecoder dec(DecoderConfig{});
  int16_t pcm[960] = {};
  uint8_t packet[kMaxPacketBytes];
  EXPECT_STREQ(opus_error_name(enc.encode(pcm, 1000, packet, sizeof packet)), "OPUS_BAD_ARG");
  EXPECT_STREQ(opus_error_name(enc.encode(static_cast<const int16_t*>(nullptr), 960, packet, 100)),
               "OPUS_BAD_ARG");
  EXPECT_STREQ(opus_error_name(enc.encode(pcm, 960, packet, 0)), "OPUS_BAD_ARG");
  EXPECT_STREQ(opus_error_name(dec.decode(nullptr, 0, pcm, 100)), "OPUS_BAD_ARG");

  const uint8_t truncated[] = {0x03};  // TOC says "count byte follows"; it does not
  EXPECT_STREQ(opus_error_name(dec.decode(truncated, 1, pcm, 960)), "OPUS_INVALID_PACKET");
  const int n = enc.encode(pcm, 960, packet, sizeof packet);
  ASSERT_GT(n, 0);
  EXPECT_STREQ(opus_error_name(dec.decode(packet, n, pcm, 480)), "OPUS_BUFFER_TOO_SMALL");

  OpusEncoder moved = std::move(enc);
  EXPECT_EQ(moved.status(), OPUS_OK);
  EXPECT_STREQ(opus_error_name(enc.encode(pcm, 960, packet, sizeof packet)), "OPUS_INVALID_STATE");
  EXPECT_STREQ(opus_error_name(-42), "OPUS_UNKNOWN_ERROR");
}

}  // namespace
