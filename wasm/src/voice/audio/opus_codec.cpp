#include "voice/audio/opus_codec.hpp"

#include <utility>

namespace natter::voice {

const char* opus_error_name(int code) {
  switch (code) {
    case OPUS_OK: return "OPUS_OK";
    case OPUS_BAD_ARG: return "OPUS_BAD_ARG";
    case OPUS_BUFFER_TOO_SMALL: return "OPUS_BUFFER_TOO_SMALL";
    case OPUS_INTERNAL_ERROR: return "OPUS_INTERNAL_ERROR";
    case OPUS_INVALID_PACKET: return "OPUS_INVALID_PACKET";
    case OPUS_UNIMPLEMENTED: return "OPUS_UNIMPLEMENTED";
    case OPUS_INVALID_STATE: return "OPUS_INVALID_STATE";
    case OPUS_ALLOC_FAIL: return "OPUS_ALLOC_FAIL";
    default: return "OPUS_UNKNOWN_ERROR";
  }
}

namespace {

bool supported_rate(int rate) { return rate == 48000 || rate == 16000; }

}  // namespace

bool is_valid_frame_samples(int sample_rate, int samples) {
  if (!supported_rate(sample_rate) || samples <= 0) return false;
  // Legal durations in units of 2.5 ms: 1, 2, 4, 8, 16, 24.
  const int unit = sample_rate / 400;
  if (samples % unit != 0) return false;
  const int n = samples / unit;
  return n == 1 || n == 2 || n == 4 || n == 8 || n == 16 || n == 24;
}

// ---- encoder ---------------------------------------------------------------

OpusEncoder::OpusEncoder(const EncoderConfig& config) : config_(config) {
  if (!supported_rate(config.sample_rate) || config.channels != 1 ||
      config.complexity < 0 || config.complexity > 10 ||
      config.packet_loss_perc < 0 || config.packet_loss_perc > 100) {
    status_ = OPUS_BAD_ARG;
    return;
  }
  int err = OPUS_OK;
  enc_ = opus_encoder_create(config.sample_rate, config.channels, OPUS_APPLICATION_VOIP, &err);
  if (err != OPUS_OK || enc_ == nullptr) {
    status_ = err != OPUS_OK ? err : OPUS_ALLOC_FAIL;
    enc_ = nullptr;
    return;
  }
  const int settings[] = {
      opus_encoder_ctl(enc_, OPUS_SET_BITRATE(config.bitrate)),
      opus_encoder_ctl(enc_, OPUS_SET_COMPLEXITY(config.complexity)),
      opus_encoder_ctl(enc_, OPUS_SET_INBAND_FEC(config.inband_fec ? 1 : 0)),
      opus_encoder_ctl(enc_, OPUS_SET_PACKET_LOSS_PERC(config.packet_loss_perc)),
      opus_encoder_ctl(enc_, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)),
  };
  for (int rc : settings) {
    if (rc != OPUS_OK) {
      opus_encoder_destroy(enc_);
      enc_ = nullptr;
      status_ = rc;
      return;
    }
  }
  status_ = OPUS_OK;
}

OpusEncoder::~OpusEncoder() {
  if (enc_ != nullptr) opus_encoder_destroy(enc_);
}

OpusEncoder::OpusEncoder(OpusEncoder&& other) noexcept
    : config_(other.config_),
      enc_(std::exchange(other.enc_, nullptr)),
      status_(std::exchange(other.status_, OPUS_INVALID_STATE)) {}

OpusEncoder& OpusEncoder::operator=(OpusEncoder&& other) noexcept {
  if (this != &other) {
    if (enc_ != nullptr) opus_encoder_destroy(enc_);
    config_ = other.config_;
    enc_ = std::exchange(other.enc_, nullptr);
    status_ = std::exchange(other.status_, OPUS_INVALID_STATE);
  }
  return *this;
}

int OpusEncoder::check(const void* pcm, int frame_samples, const uint8_t* out, int cap) const {
  if (enc_ == nullptr) return OPUS_INVALID_STATE;
  if (pcm == nullptr || out == nullptr || cap <= 0) return OPUS_BAD_ARG;
  if (!is_valid_frame_samples(config_.sample_rate, frame_samples)) return OPUS_BAD_ARG;
  return OPUS_OK;
}

int OpusEncoder::encode(const int16_t* pcm, int frame_samples, uint8_t* out, int cap) {
  const int rc = check(pcm, frame_samples, out, cap);
  if (rc != OPUS_OK) return rc;
  return opus_encode(enc_, pcm, frame_samples, out, cap);
}

int OpusEncoder::encode(const float* pcm, int frame_samples, uint8_t* out, int cap) {
  const int rc = check(pcm, frame_samples, out, cap);
  if (rc != OPUS_OK) return rc;
  return opus_encode_float(enc_, pcm, frame_samples, out, cap);
}

int OpusEncoder::lookahead() const {
  if (enc_ == nullptr) return OPUS_INVALID_STATE;
  opus_int32 samples = 0;
  const int rc = opus_encoder_ctl(enc_, OPUS_GET_LOOKAHEAD(&samples));
  return rc == OPUS_OK ? static_cast<int>(samples) : rc;
}

int OpusEncoder::set_bitrate(int bits_per_second) {
  if (enc_ == nullptr) return OPUS_INVALID_STATE;
  const int rc = opus_encoder_ctl(enc_, OPUS_SET_BITRATE(bits_per_second));
  if (rc == OPUS_OK) config_.bitrate = bits_per_second;
  return rc;
}

int OpusEncoder::set_loss_protection(bool inband_fec, int packet_loss_perc) {
  if (enc_ == nullptr) return OPUS_INVALID_STATE;
  if (packet_loss_perc < 0 || packet_loss_perc > 100) return OPUS_BAD_ARG;
  int rc = opus_encoder_ctl(enc_, OPUS_SET_INBAND_FEC(inband_fec ? 1 : 0));
  if (rc != OPUS_OK) return rc;
  config_.inband_fec = inband_fec;
  rc = opus_encoder_ctl(enc_, OPUS_SET_PACKET_LOSS_PERC(packet_loss_perc));
  if (rc == OPUS_OK) config_.packet_loss_perc = packet_loss_perc;
  return rc;
}

// ---- decoder ---------------------------------------------------------------

OpusDecoder::OpusDecoder(const DecoderConfig& config) : config_(config) {
  if (!supported_rate(config.sample_rate) || config.channels != 1) {
    status_ = OPUS_BAD_ARG;
    return;
  }
  int err = OPUS_OK;
  dec_ = opus_decoder_create(config.sample_rate, config.channels, &err);
  if (err != OPUS_OK || dec_ == nullptr) {
    status_ = err != OPUS_OK ? err : OPUS_ALLOC_FAIL;
    dec_ = nullptr;
    return;
  }
  status_ = OPUS_OK;
}

OpusDecoder::~OpusDecoder() {
  if (dec_ != nullptr) opus_decoder_destroy(dec_);
}

OpusDecoder::OpusDecoder(OpusDecoder&& other) noexcept
    : config_(other.config_),
      dec_(std::exchange(other.dec_, nullptr)),
      status_(std::exchange(other.status_, OPUS_INVALID_STATE)) {}

OpusDecoder& OpusDecoder::operator=(OpusDecoder&& other) noexcept {
  if (this != &other) {
    if (dec_ != nullptr) opus_decoder_destroy(dec_);
    config_ = other.config_;
    dec_ = std::exchange(other.dec_, nullptr);
    status_ = std::exchange(other.status_, OPUS_INVALID_STATE);
  }
  return *this;
}

namespace {

// Shared argument rules for decode(): a real packet needs bytes > 0; a lost
// packet (nullptr) needs a legal frame length to conceal.
int check_decode(const ::OpusDecoder* dec, int rate, const uint8_t* packet, int bytes,
                 const void* pcm, int max_samples) {
  if (dec == nullptr) return OPUS_INVALID_STATE;
  if (pcm == nullptr || max_samples <= 0) return OPUS_BAD_ARG;
  if (packet != nullptr && bytes <= 0) return OPUS_BAD_ARG;
  if (packet == nullptr && !is_valid_frame_samples(rate, max_samples)) return OPUS_BAD_ARG;
  return OPUS_OK;
}

}  // namespace

int OpusDecoder::decode(const uint8_t* packet, int bytes, int16_t* pcm, int max_samples) {
  const int rc = check_decode(dec_, config_.sample_rate, packet, bytes, pcm, max_samples);
  if (rc != OPUS_OK) return rc;
  return opus_decode(dec_, packet, packet ? bytes : 0, pcm, max_samples, 0);
}

int OpusDecoder::decode(const uint8_t* packet, int bytes, float* pcm, int max_samples) {
  const int rc = check_decode(dec_, config_.sample_rate, packet, bytes, pcm, max_samples);
  if (rc != OPUS_OK) return rc;
  return opus_decode_float(dec_, packet, packet ? bytes : 0, pcm, max_samples, 0);
}

int OpusDecoder::decode_fec(const uint8_t* next_packet, int bytes, int16_t* pcm,
                            int frame_samples) {
  if (dec_ == nullptr) return OPUS_INVALID_STATE;
  if (next_packet == nullptr || bytes <= 0 || pcm == nullptr ||
      !is_valid_frame_samples(config_.sample_rate, frame_samples)) {
    return OPUS_BAD_ARG;
  }
  return opus_decode(dec_, next_packet, bytes, pcm, frame_samples, 1);
}

}  // namespace natter::voice
