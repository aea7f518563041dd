#include "voice/audio/playback_stream.hpp"

#include <algorithm>

#include "voice/audio/voice_packet.hpp"

namespace natter::voice {

PlaybackStream::PlaybackStream(int output_rate, int codec_rate)
    : codec_rate_(codec_rate),
      frame_(codec_rate / 50),
      jb_(JitterConfig{codec_rate, 20, 40, 200}),
      dec_(DecoderConfig{codec_rate, 1}),
      resampler_(codec_rate, output_rate, codec_rate / 50),
      input_(kMaxVoicePacketBytes),
      decoded_(static_cast<size_t>(codec_rate / 50)),
      decoded16_(static_cast<size_t>(codec_rate / 50)) {
  if (resampler_.status() != Resampler::kOk) {
    status_ = resampler_.status();
    return;
  }
  output_.resize(static_cast<size_t>(resampler_.max_output(frame_)));
  status_ = dec_.status();
}

int PlaybackStream::insert(int bytes, double arrival_ms) {
  if (bytes < 0 || bytes > max_input()) return -1;
  const DecodeResult d = decode_voice_packet(input_.data(), static_cast<size_t>(bytes));
  if (d.error != PacketError::kOk) {
    ++malformed_;
    return -1;
  }
  const InsertResult r = jb_.insert(d.packet.seq, d.packet.timestamp, d.packet.payload, d.packet.payload_bytes,
                                    static_cast<int64_t>(arrival_ms));
  return static_cast<int>(r);
}

int PlaybackStream::pull() {
  if (status_ != 0) return status_;
  const PullResult r = jb_.pull();
  int got = 0;
  if (r.kind == PullResult::kPacket) {
    got = dec_.decode(r.payload, static_cast<int>(r.bytes), decoded_.data(), frame_);
    last_kind_ = kAudio;
  } else if (r.kind == PullResult::kLost && r.fec) {
    got = dec_.decode_fec(r.fec, static_cast<int>(r.fec_bytes), decoded16_.data(), frame_);
    for (int i = 0; i < got; ++i) decoded_[static_cast<size_t>(i)] = decoded16_[static_cast<size_t>(i)] / 32768.0f;
    last_kind_ = kConcealed;
  } else if (r.kind == PullResult::kLost) {
    got = dec_.decode(static_cast<const uint8_t*>(nullptr), 0, decoded_.data(), frame_);
    last_kind_ = kConcealed;
  } else {
    std::fill(decoded_.begin(), decoded_.end(), 0.0f);  // nothing due
    got = frame_;
    last_kind_ = kSilence;
  }
  if (got < 0) return got;
  if (last_kind_ == kAudio) {
    played_ = true;
    drained_ = false;
  } else if (last_kind_ == kSilence && played_) {
    played_ = false;
    drained_ = true;
  }
  return resampler_.process(decoded_.data(), frame_, output_.data(), static_cast<int>(output_.size()));
}

void PlaybackStream::flush() {
  jb_ = JitterBuffer(JitterConfig{codec_rate_, 20, 40, 200});
  resampler_.reset();
  played_ = false;
  drained_ = false;
}

}  // namespace natter::voice
