// natter_opus_encode_cli: encodes raw PCM with the native build of the voice
// codec, so tests can compare its bytes with the WASM build's.
//
//   natter_opus_encode_cli [--rate 48000] [--frame 960] [--bitrate 24000]
//                          [--complexity 5] < pcm.s16le > packets.bin
//
// stdin: mono signed 16-bit little-endian samples. A short final frame is
// padded with zeros. stdout: one record per frame, a 4-byte little-endian
// packet length followed by the packet. Exit status: 0 ok, 1 codec error
// (its name on stderr), 2 bad usage.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "voice/opus_codec.hpp"

namespace {

int usage(const char* why) {
  std::fprintf(stderr,
               "natter_opus_encode_cli: %s\n"
               "usage: natter_opus_encode_cli [--rate 48000|16000] [--frame SAMPLES]\n"
               "       [--bitrate BPS] [--complexity 0..10] < in.s16le > out.packets\n",
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

}  // namespace

int main(int argc, char** argv) {
  natter::voice::EncoderConfig config;
  int frame = 960;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) return usage("missing value after an option");
    int* target = nullptr;
    if (std::strcmp(argv[i], "--rate") == 0) target = &config.sample_rate;
    else if (std::strcmp(argv[i], "--frame") == 0) target = &frame;
    else if (std::strcmp(argv[i], "--bitrate") == 0) target = &config.bitrate;
    else if (std::strcmp(argv[i], "--complexity") == 0) target = &config.complexity;
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

  std::vector<uint8_t> raw(static_cast<size_t>(frame) * 2);
  std::vector<int16_t> pcm(static_cast<size_t>(frame));
  uint8_t packet[natter::voice::kMaxPacketBytes];
  for (;;) {
    const size_t got = std::fread(raw.data(), 1, raw.size(), stdin);
    if (got == 0) break;
    std::memset(raw.data() + got, 0, raw.size() - got);  // pad the last frame
    for (int s = 0; s < frame; ++s) {
      const uint16_t u = static_cast<uint16_t>(raw[2 * s] | (raw[2 * s + 1] << 8));
      pcm[s] = static_cast<int16_t>(u);
    }
    const int n = encoder.encode(pcm.data(), frame, packet, sizeof packet);
    if (n < 0) {
      std::fprintf(stderr, "natter_opus_encode_cli: encode: %s\n", natter::voice::opus_error_name(n));
      return 1;
    }
    const uint8_t len[4] = {static_cast<uint8_t>(n), static_cast<uint8_t>(n >> 8),
                            static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 24)};
    if (std::fwrite(len, 1, 4, stdout) != 4 ||
        std::fwrite(packet, 1, static_cast<size_t>(n), stdout) != static_cast<size_t>(n)) {
      std::fprintf(stderr, "natter_opus_encode_cli: write failed\n");
      return 1;
    }
    if (got < raw.size()) break;
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}
