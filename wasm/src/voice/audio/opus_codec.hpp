// A minimal voice codec over libopus: one mono encoder and one mono decoder
// per voice session, configured for speech (OPUS_APPLICATION_VOIP) with
// in-band FEC on, so a lost packet can be recovered from the next one.
//
// Contracts that hold for every function here:
//   * No exceptions and no aborts on bad input: every call returns an int.
//     A value >= 0 is the result (bytes or samples); a negative value is a
//     libopus error code (OPUS_BAD_ARG, ...). opus_error_name() turns any
//     such code into a stable name; it is the only place codes become names.
//   * No allocation per frame: libopus state is allocated once when the
//     object is constructed and freed by its destructor (RAII; movable, not
//     copyable). Callers own the PCM and packet buffers they pass in.
//   * A frame is 2.5, 5, 10, 20, 40 or 60 ms of audio, counted in samples
//     per channel (at 48 kHz a 20 ms frame is 960 samples).
//
// Example:
//   natter::voice::OpusEncoder enc({});            // 48 kHz, 24 kbit/s
//   natter::voice::OpusDecoder dec({});
//   if (enc.status() != OPUS_OK) log(opus_error_name(enc.status()));
//   uint8_t packet[natter::voice::kMaxPacketBytes];
//   int n = enc.encode(pcm, 960, packet, sizeof packet);   // bytes or error
//   int got = dec.decode(packet, n, out, 960);              // samples or error
//   got = dec.decode(nullptr, 0, out, 960);   // packet lost: concealment
#pragma once

#include <cstdint>

#include <opus.h>

namespace natter::voice {

// Largest packet libopus produces for one frame of up to 60 ms, mono.
// Size output buffers with it; encode() never writes more than `cap`.
constexpr int kMaxPacketBytes = 1275;
// Longest frame we accept: 60 ms at 48 kHz.
constexpr int kMaxFrameSamples = 2880;

// Stable name of a libopus error code ("OPUS_BAD_ARG", ...); "OPUS_OK" for 0,
// "OPUS_UNKNOWN_ERROR" for anything libopus does not define. Never null.
const char* opus_error_name(int code);

// True when `samples` is a legal Opus frame length at `sample_rate`.
bool is_valid_frame_samples(int sample_rate, int samples);

struct EncoderConfig {
  int sample_rate = 48000;      // 48000 or 16000
  int channels = 1;             // mono only
  int bitrate = 24000;          // bits per second, 6000..510000
  int complexity = 5;           // 0 (cheapest) .. 10 (best)
  bool inband_fec = true;       // lets the decoder rebuild a lost frame
  int packet_loss_perc = 10;    // expected loss; tunes how much FEC to spend
};

struct DecoderConfig {
  int sample_rate = 48000;      // 48000 or 16000
  int channels = 1;             // mono only
};

class OpusEncoder {
 public:
  // Creates and configures the encoder. Never fails loudly: check status().
  explicit OpusEncoder(const EncoderConfig& config);
  ~OpusEncoder();
  OpusEncoder(OpusEncoder&& other) noexcept;
  OpusEncoder& operator=(OpusEncoder&& other) noexcept;
  OpusEncoder(const OpusEncoder&) = delete;
  OpusEncoder& operator=(const OpusEncoder&) = delete;

  // OPUS_OK when the encoder is usable; otherwise the error that stopped its
  // creation (OPUS_BAD_ARG for an unsupported config). Every other call on a
  // failed encoder returns OPUS_INVALID_STATE.
  int status() const { return status_; }
  const EncoderConfig& config() const { return config_; }

  // Encodes one frame of `frame_samples` samples into `out` (capacity `cap`
  // bytes). Returns the packet length in bytes, or a negative error:
  // OPUS_BAD_ARG for a null pointer, cap <= 0 or an illegal frame length.
  int encode(const int16_t* pcm, int frame_samples, uint8_t* out, int cap);
  // The same for float samples in [-1, 1].
  int encode(const float* pcm, int frame_samples, uint8_t* out, int cap);

  // Samples of algorithmic delay: decoded audio lags the input by this much.
  int lookahead() const;
  // Changes the bitrate between frames (e.g. on congestion). OPUS_OK or error.
  int set_bitrate(int bits_per_second);
  // Changes inband FEC and the loss the encoder plans for (0..100), between
  // frames. OPUS_OK, or an error and the previous setting kept for what failed.
  int set_loss_protection(bool inband_fec, int packet_loss_perc);

 private:
  int check(const void* pcm, int frame_samples, const uint8_t* out, int cap) const;

  EncoderConfig config_;
  ::OpusEncoder* enc_ = nullptr;
  int status_ = OPUS_INVALID_STATE;
};

class OpusDecoder {
 public:
  // Creates the decoder. Never fails loudly: check status().
  explicit OpusDecoder(const DecoderConfig& config);
  ~OpusDecoder();
  OpusDecoder(OpusDecoder&& other) noexcept;
  OpusDecoder& operator=(OpusDecoder&& other) noexcept;
  OpusDecoder(const OpusDecoder&) = delete;
  OpusDecoder& operator=(const OpusDecoder&) = delete;

  int status() const { return status_; }
  const DecoderConfig& config() const { return config_; }

  // Decodes one packet into `pcm`, which holds `max_samples` samples.
  // Returns the samples written, or a negative error (OPUS_INVALID_PACKET
  // for corrupt data, OPUS_BUFFER_TOO_SMALL when max_samples is short).
  //
  // Packet lost: pass packet == nullptr (bytes ignored) and set max_samples
  // to the lost frame's length; libopus conceals it (PLC) and writes exactly
  // that many samples.
  int decode(const uint8_t* packet, int bytes, int16_t* pcm, int max_samples);
  int decode(const uint8_t* packet, int bytes, float* pcm, int max_samples);

  // Packet N was lost and packet N+1 has arrived: call this with packet N+1
  // and frame_samples = the length of frame N to rebuild N from N+1's FEC
  // data (falls back to PLC when N+1 carries none), then decode N+1 normally.
  int decode_fec(const uint8_t* next_packet, int bytes, int16_t* pcm, int frame_samples);

 private:
  DecoderConfig config_;
  ::OpusDecoder* dec_ = nullptr;
  int status_ = OPUS_INVALID_STATE;
};

}  // namespace natter::voice
