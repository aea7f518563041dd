// natter_opus_encode_cli: encodes raw PCM with the native build of the voice
// codec, so tests can compare its bytes with the WASM build's, and the
// voice bench (tools/bench/voice.mjs) can time it.
//
//   natter_opus_encode_cli [--rate 48000] [--frame 960] [--bitrate 24000]
//                          [--complexity 5] [--time 1] < pcm.s16le > packets.bin
//
// stdin: mono signed 16-bit little-endian samples. A short final frame is
// padded with zeros. stdout: one record per frame, a 4-byte little-endian
// packet length followed by the packet. --time 1: also prints one line to
// stderr, "frames=N cpu_ns=C wall_ns=W", the encode loop alone (all input is
// read before it and all output written after it, so process start-up and
// I/O are not in the figure). Exit status: 0 ok, 1 codec error (its name on
// stderr), 2 bad usage.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include "voice/audio/opus_codec.hpp"

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "natter_opus_encode_cli: %s\n"
               "usage: natter_opus_encode_cli [--rate 48000|16000] [--frame SAMPLES]\n"
               "       [--bitrate BPS] [--complexity 0..10] [--time 1] < in.s16le > out.packets\n",
               why);
  return 2;
}

bool parse_int(const char* text, int* out) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || v < -1000000000L || v > 1000000000L) return false;
  *out = static_cast<int>(v);
  return true;
}

int64_t now_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

int main(int argc, char** argv) {
  natter::voice::EncoderConfig config;
  int frame = 960;
  int time_it = 0;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) return usage("missing value after an option");
    int* target = nullptr;
    if (std::strcmp(argv[i], "--rate") == 0) target = &config.sample_rate;
    else if (std::strcmp(argv[i], "--frame") == 0) target = &frame;
    else if (std::strcmp(argv[i], "--bitrate") == 0) target = &config.bitrate;
    else if (std::strcmp(argv[i], "--complexity") == 0) target = &config.complexity;
    else if (std::strcmp(argv[i], "--time") == 0) target = &time_it;
    else return usage("unknown option");
    if (!parse_int(argv[i + 1], target)) return usage("option value is not an integer");
  }
  if (!natter::voice::is_valid_frame_samples(config.sample_rate, frame)) {
    return usage("--frame is not 2.5/5/10/20/40/60 ms at --rate");
  }

  natter::voice::OpusEncoder encoder(config);
  if (encoder.status() != OPUS_OK) {
    std::fprintf(stderr, "natter_opus_encode_cli: encoder: %s\n",
                 natter::voice::opus_error_name(encoder.status()));
    return 1;
  }

  // Read everything first: the timed loop below does no I/O.
  std::vector<int16_t> pcm;
  uint8_t raw[2];
  size_t got = 0;
  while ((got = std::fread(raw, 1, 2, stdin)) == 2) {
    pcm.push_back(static_cast<int16_t>(static_cast<uint16_t>(raw[0] | (raw[1] << 8))));
  }
  if (got == 1) pcm.push_back(static_cast<int16_t>(raw[0]));  // odd byte: low half only
  const size_t frames = (pcm.size() + static_cast<size_t>(frame) - 1) / static_cast<size_t>(frame);
  pcm.resize(frames * static_cast<size_t>(frame), 0);  // pad the last frame

  std::vector<uint8_t> out;
  out.reserve(frames * 128);
  uint8_t packet[natter::voice::kMaxPacketBytes];
  const int64_t cpu0 = now_ns(CLOCK_PROCESS_CPUTIME_ID), wall0 = now_ns(CLOCK_MONOTONIC);
  for (size_t f = 0; f < frames; ++f) {
    const int n = encoder.encode(pcm.data() + f * static_cast<size_t>(frame), frame, packet, sizeof packet);
    if (n < 0) {
      std::fprintf(stderr, "natter_opus_encode_cli: encode: %s\n", natter::voice::opus_error_name(n));
      return 1;
    }
    const uint8_t len[4] = {static_cast<uint8_t>(n), static_cast<uint8_t>(n >> 8),
                            static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 24)};
    out.insert(out.end(), len, len + 4);
    out.insert(out.end(), packet, packet + n);
  }
  const int64_t cpu = now_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu0, wall = now_ns(CLOCK_MONOTONIC) - wall0;
  if (time_it) {
    std::fprintf(stderr, "frames=%zu cpu_ns=%lld wall_ns=%lld\n", frames, static_cast<long long>(cpu),
                 static_cast<long long>(wall));
  }
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
    std::fprintf(stderr, "natter_opus_encode_cli: write failed\n");
    return 1;
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
