// Synthetic signals and measures shared by the voice_*_test.cpp suites.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace natter::voice::testing {

constexpr double kPi = 3.14159265358979323846;

inline std::vector<float> sine(int rate, double hz, int samples, double amplitude) {
  std::vector<float> out(static_cast<size_t>(samples));
  for (int i = 0; i < samples; ++i) out[i] = float(amplitude * std::sin(2 * kPi * hz * i / rate));
  return out;
}

// Speech-like: a glottal pulse train (pitch gliding 110..170 Hz) through two
// moving formant resonators, shaped into 4 syllables per second with pauses
// between them. `gain` scales the peak (1.0: peaks near 0.6 full scale).
inline std::vector<float> speech_like(int rate, int samples, double gain = 1.0) {
  std::vector<float> out(static_cast<size_t>(samples));
  double phase = 0, y1a = 0, y2a = 0, y1b = 0, y2b = 0;
  auto resonator = [rate](double f, double bw, double x, double& y1, double& y2) {
    const double r = std::exp(-kPi * bw / rate);
    const double y = x + 2 * r * std::cos(2 * kPi * f / rate) * y1 - r * r * y2;
    y2 = y1;
    y1 = y;
    return y * (1 - r);
  };
  for (int i = 0; i < samples; ++i) {
    const double t = double(i) / rate;
    phase += (140 + 30 * std::sin(2 * kPi * 0.7 * t)) / rate;
    const double pulse = phase >= 1 ? 1.0 : 0.0;
    if (phase >= 1) phase -= 1;
    const double f1 = 600 + 250 * std::sin(2 * kPi * 1.3 * t);
    const double f2 = 1600 + 500 * std::sin(2 * kPi * 0.9 * t);
    const double v = resonator(f1, 90, pulse, y1a, y2a) + 0.6 * resonator(f2, 120, pulse, y1b, y2b);
    const double syllable = std::max(0.0, std::sin(2 * kPi * 2 * t));
    out[i] = float(std::clamp(v * syllable * 3.0, -1.0, 1.0) * 0.6 * gain);
  }
  return out;
}

inline std::vector<float> white_noise(int samples, double rms, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> n(0.0, rms);
  std::vector<float> out(static_cast<size_t>(samples));
  for (float& s : out) s = float(n(rng));
  return out;
}

inline double rms(const float* x, size_t n) {
  double e = 0;
  for (size_t i = 0; i < n; ++i) e += double(x[i]) * x[i];
  return std::sqrt(e / std::max<size_t>(n, 1));
}

// RMS envelope in blocks of `block` samples over x[from, from+count).
inline std::vector<double> envelope(const std::vector<float>& x, size_t from, size_t count, size_t block) {
  std::vector<double> env;
  for (size_t b = from; b + block <= from + count && b + block <= x.size(); b += block) env.push_back(rms(&x[b], block));
  return env;
}

inline double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t n = std::min(a.size(), b.size());
  double ma = 0, mb = 0;
  for (size_t i = 0; i < n; ++i) ma += a[i], mb += b[i];
  ma /= n;
  mb /= n;
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < n; ++i) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  return ab / std::sqrt(aa * bb + 1e-30);
}

}  // namespace natter::voice::testing
