#include "voice/audio/capture_stream.hpp"

#include <algorithm>

namespace natter::voice {

CaptureStream::CaptureStream(const CaptureConfig& config)
    : config_(config),
      resampler_(config.device_rate, config.codec_rate, config.max_chunk),
      framer_(config.codec_rate / 50),
      enc_(EncoderConfig{config.codec_rate, 1, config.bitrate, config.complexity, config.inband_fec,
                         config.packet_loss_perc}),
      input_(static_cast<size_t>(std::max(config.max_chunk, 1))) {
  if (resampler_.status() != Resampler::kOk) {
    status_ = resampler_.status();
    return;
  }
  resampled_.resize(static_cast<size_t>(resampler_.max_output(config.max_chunk)));
  status_ = enc_.status();
}

int CaptureStream::push(int n) {
  if (status_ != 0) return status_;
  if (n < 0 || n > config_.max_chunk) return Resampler::kBadArgument;
  const int got = resampler_.process(input_.data(), n, resampled_.data(), static_cast<int>(resampled_.size()));
  if (got < 0) return got;
  framer_.push(resampled_.data(), got);
  int count = 0;
  AudioFrame frame;
  const int samples = framer_.frame_samples();
  while (framer_.pop(frame)) {
    const VadResult v = vad_.process(frame.samples, samples, echo_guard_);
    level_ = v.level;
    const int bytes = enc_.encode(frame.samples, samples, opus_.data(), static_cast<int>(opus_.size()));
    if (bytes < 0) return bytes;
    ++encoded_;
    if (count == kMaxPacketsPerPush) {  // keep the newest: shift out the oldest
      std::rotate(packets_.begin(), packets_.begin() + 1, packets_.end());
      std::rotate(sizes_.begin(), sizes_.begin() + 1, sizes_.end());
      --count;
      ++dropped_;
    }
    uint8_t flags = v.started ? kFlagSpeechStart : 0;
    if (config_.codec_rate == 16000) flags |= kFlagCodec16k;
    const VoicePacket p{flags, static_cast<uint16_t>(frame.seq), frame.timestamp, opus_.data(),
                        static_cast<size_t>(bytes)};
    auto& slot = packets_[static_cast<size_t>(count)];
    const EncodeResult e = encode_voice_packet(p, slot.data(), slot.size());
    if (e.error != PacketError::kOk) return -100 - static_cast<int>(e.error);
    sizes_[static_cast<size_t>(count)] = static_cast<int>(e.bytes);
    ++count;
  }
  return count;
}

}  // namespace natter::voice
