// Streaming sample-rate conversion for the voice path: the device rate the
// browser gives us (16000, 44100, 48000, ...) to the codec rate (48000 or
// 16000), and back for playout. Mono float samples.
//
// Method: polyphase windowed sinc. The rate ratio is reduced to L/M
// (44100 -> 48000 is 160/147); each of the L phases has its own precomputed
// filter of taps_per_phase() taps, so one output sample costs one dot
// product and no trigonometry.
//
// Quality (measured in tests/native/voice_resampler_test.cpp):
//   * lowpass at 0.45 x the lower rate (0.9 x its Nyquist), Kaiser window
//     beta 9, 64 taps per phase at the lower rate: stopband below -80 dB,
//     passband flat to ~0.4 x the lower rate;
//   * a 1 kHz tone keeps an SNR of 98..134 dB for 48k -> 16k, 16k -> 48k,
//     44.1k -> 48k, 48k -> 44.1k and others (the test threshold is 60 dB);
//     a 9 kHz tone is attenuated by ~106 dB going 48k -> 16k.
//   * Delay: output sample k is the input at time k*M/L - delay_in_samples()
//     input samples (half the filter: 32 input samples when upsampling).
//
// Contracts:
//   * No exceptions: a bad configuration leaves status() != kOk and every
//     process() call returns that status. Rates from 8000 to 192000 Hz whose
//     reduced ratio has L <= 1024 are supported (every common device rate).
//   * Memory is allocated once, in the constructor (the filter table and a
//     history of max_chunk + filter samples). process() never allocates;
//     it takes at most max_chunk input samples per call.
//   * Streaming: state carries across calls, so cutting the input into any
//     chunk sizes gives bit-identical output to one big call.
#pragma once

#include <cstdint>
#include <vector>

namespace natter::voice {

class Resampler {
 public:
  static constexpr int kOk = 0;
  static constexpr int kBadRate = -1;       // rate outside 8000..192000 or L > 1024
  static constexpr int kBadArgument = -2;   // null pointer, n < 0, n > max_chunk
  static constexpr int kOutputTooSmall = -3;// out_cap < max_output(n)

  // Default largest chunk: 4096 input samples (85 ms at 48 kHz; a worklet
  // quantum is 128).
  Resampler(int in_rate, int out_rate, int max_chunk = 4096);

  int status() const { return status_; }
  int in_rate() const { return in_rate_; }
  int out_rate() const { return out_rate_; }
  int taps_per_phase() const { return taps_; }
  // Input samples of delay (see above); fractional in general.
  double delay_in_samples() const { return half_; }

  // Most output samples process() can write for n input samples: size the
  // output buffer with max_output(max_chunk) once.
  int max_output(int n) const;

  // Consumes n input samples and writes the output samples now due into
  // `out` (capacity out_cap). Returns how many were written (>= 0), or a
  // negative error above; on error nothing is consumed.
  int process(const float* in, int n, float* out, int out_cap);

  // Forgets the history (a new stream starts at time 0). No allocation.
  void reset();

 private:
  int in_rate_ = 0, out_rate_ = 0;
  int status_ = kBadRate;
  int up_ = 1, down_ = 1;       // L and M
  int taps_ = 0;                // filter taps per phase (even)
  int half_ = 0;                // taps_ / 2
  int max_chunk_ = 0;
  std::vector<float> table_;    // up_ rows of taps_ coefficients
  std::vector<float> history_;  // taps_ - 1 past samples, then the new chunk
  int64_t consumed_ = 0;        // input samples consumed so far
  int64_t next_base_ = 0;       // floor(k*M/L) for the next output k
  int next_phase_ = 0;          // (k*M) mod L
};

}  // namespace natter::voice
