#include "voice/audio/resampler.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace natter::voice {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kHalfTapsAtLowerRate = 32;   // 64 taps per phase at the lower rate
constexpr double kCutoff = 0.45;           // of the lower rate
constexpr double kKaiserBeta = 9.0;
constexpr int kMaxUp = 1024;

// Modified Bessel function of the first kind, order 0 (power series).
double bessel_i0(double x) {
  double sum = 1, term = 1;
  for (int k = 1; k < 40; ++k) {
    term *= (x / (2 * k)) * (x / (2 * k));
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

double sinc(double x) { return x == 0 ? 1.0 : std::sin(kPi * x) / (kPi * x); }

}  // namespace

Resampler::Resampler(int in_rate, int out_rate, int max_chunk)
    : in_rate_(in_rate), out_rate_(out_rate) {
  if (in_rate < 8000 || in_rate > 192000 || out_rate < 8000 || out_rate > 192000) return;
  if (max_chunk <= 0) {
    status_ = kBadArgument;
    return;
  }
  const int g = std::gcd(in_rate, out_rate);
  up_ = out_rate / g;
  down_ = in_rate / g;
  if (up_ > kMaxUp) return;
  max_chunk_ = max_chunk;
  // Half the filter, in input samples: wider when the input is the higher rate.
  half_ = static_cast<int>(std::ceil(kHalfTapsAtLowerRate * std::max(1.0, double(down_) / up_)));
  taps_ = 2 * half_;
  // Cutoff in cycles per input sample.
  const double fc = kCutoff * std::min(1.0, double(up_) / down_);
  const double i0_beta = bessel_i0(kKaiserBeta);
  table_.assign(static_cast<size_t>(up_) * taps_, 0.0f);
  std::vector<double> row(static_cast<size_t>(taps_));
  for (int p = 0; p < up_; ++p) {
    const double frac = double(p) / up_;
    double sum = 0;
    for (int j = 0; j < taps_; ++j) {
      const double x = frac + half_ - 1 - j;  // distance from the output instant
      const double r = x / half_;
      const double w = std::abs(r) >= 1 ? 0.0 : bessel_i0(kKaiserBeta * std::sqrt(1 - r * r)) / i0_beta;
      row[j] = 2 * fc * sinc(2 * fc * x) * w;
      sum += row[j];
    }
    // Unity gain at DC for every phase, so no phase-dependent ripple.
    for (int j = 0; j < taps_; ++j) table_[static_cast<size_t>(p) * taps_ + j] = float(row[j] / sum);
  }
  history_.assign(static_cast<size_t>(taps_ - 1 + max_chunk_), 0.0f);
  status_ = kOk;
}

int Resampler::max_output(int n) const {
  if (status_ != kOk || n < 0) return 0;
  return static_cast<int>((int64_t(n) * up_ + down_ - 1) / down_ + 1);
}

int Resampler::process(const float* in, int n, float* out, int out_cap) {
  if (status_ != kOk) return status_;
  if (n < 0 || n > max_chunk_ || (n > 0 && in == nullptr) || out == nullptr) return kBadArgument;
  if (out_cap < max_output(n)) return kOutputTooSmall;
  float* buf = history_.data();
  if (n > 0) std::memcpy(buf + taps_ - 1, in, sizeof(float) * n);
  const int64_t end = consumed_ + n;
  int written = 0;
  while (next_base_ < end) {
    const float* x = buf + (next_base_ - consumed_);
    const float* h = table_.data() + static_cast<size_t>(next_phase_) * taps_;
    float acc = 0;
    for (int j = 0; j < taps_; ++j) acc += x[j] * h[j];
    out[written++] = acc;
    next_phase_ += down_;
    next_base_ += next_phase_ / up_;
    next_phase_ %= up_;
  }
  // Keep the last taps-1 samples as history for the next call.
  std::memmove(buf, buf + n, sizeof(float) * (taps_ - 1));
  consumed_ = end;
  return written;
}

void Resampler::reset() {
  std::fill(history_.begin(), history_.end(), 0.0f);
  consumed_ = 0;
  next_base_ = 0;
  next_phase_ = 0;
}

}  // namespace natter::voice
