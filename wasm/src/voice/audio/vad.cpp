#include "voice/audio/vad.hpp"

#include <algorithm>
#include <cmath>

namespace natter::voice {

VadResult Vad::process(const float* frame, int samples, bool agent_speaking) {
  VadResult r;
  if (frame == nullptr || samples <= 0) {
    r.speaking = speaking_;
    r.level = level_;
    return r;
  }
  double sum = 0;
  for (int i = 0; i < samples; ++i) sum += double(frame[i]) * frame[i];
  const float db = std::max(-100.0f, float(10 * std::log10(sum / samples + 1e-12)));

  history_[static_cast<size_t>(history_next_)] = db;
  history_next_ = (history_next_ + 1) % kFloorWindow;
  history_count_ = std::min(history_count_ + 1, kFloorWindow);
  float floor = db;
  for (int i = 0; i < history_count_; ++i) floor = std::min(floor, history_[static_cast<size_t>(i)]);

  const float margin = agent_speaking ? config_.gated_margin_db : config_.onset_margin_db;
  const float min_db = agent_speaking ? config_.gated_min_dbfs : config_.min_speech_dbfs;
  const int need = agent_speaking ? config_.gated_onset_frames : config_.onset_frames;

  if (!speaking_) {
    loud_run_ = (db > floor + margin && db > min_db) ? loud_run_ + 1 : 0;
    if (loud_run_ >= need) {
      speaking_ = true;
      r.started = true;
      quiet_run_ = 0;
    }
  } else if (db > floor + config_.hold_margin_db && db > config_.min_speech_dbfs) {
    quiet_run_ = 0;
  } else if (++quiet_run_ >= config_.hangover_frames) {
    speaking_ = false;
    r.ended = true;
    loud_run_ = 0;
  }

  const float target = std::clamp((db + 60) / 60, 0.0f, 1.0f);
  level_ = target > level_ ? target : level_ + 0.25f * (target - level_);
  r.speaking = speaking_;
  r.level = level_;
  r.energy_dbfs = db;
  r.floor_dbfs = floor;
  return r;
}

void Vad::reset() {
  history_count_ = history_next_ = 0;
  speaking_ = false;
  loud_run_ = quiet_run_ = 0;
  level_ = 0;
}

}  // namespace natter::voice
