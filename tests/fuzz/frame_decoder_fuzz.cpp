// libFuzzer target for everything that reads the agent's reply stream and
// the live session's frames:
// arbitrary bytes go through SseDecoder in chunks cut where the input says,
// each event through decode_agent_event, and reply text through
// parse_rich_text, the way SendMachine drives them.
//
// Besides "no crash, no sanitizer report", it checks the contracts:
//  - the events do not depend on where the chunks were cut;
//  - every decoded link, card url and image_url obeys a link rule written
//    here, independently of the core's is_safe_link (which decided to
//    accept it): an http:// or https:// prefix in any case, a non-empty
//    host, and no whitespace, control, double quote, angle bracket, backtick or
//    backslash anywhere;
//  - a card name fits in 200 UTF-16 units.
//
// Input layout (FuzzedDataProvider takes integers from the end, so seed
// files stay readable): [body bytes][chunk seed: 4 bytes][line limit: 2].
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "chat/agent_protocol.hpp"
#include "chat/rich_text.hpp"
#include "session/session_frames.hpp"
#include "chat/sse_decoder.hpp"
#include "base/text_limits.hpp"

namespace {

using natter::SseMessage;

void check(bool ok) {
  if (!ok) std::abort();
}

// The oracle for links: deliberately not natter::is_safe_link.
bool link_obeys_rule(std::string_view url) {
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '\\') return false;
  auto prefix = [&](std::string_view p) {
    if (url.size() < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(url[i])) != p[i]) return false;
    return true;
  };
  std::size_t host_at;
  if (prefix("https://")) host_at = 8;
  else if (prefix("http://")) host_at = 7;
  else return false;
  const std::size_t host_end = url.find_first_of(":/?#", host_at);
  return (host_end == std::string_view::npos ? url.size() : host_end) > host_at;
}

void check_link(std::string_view url) {
  check(link_obeys_rule(url));
  check(natter::is_safe_link(url));  // and the core agrees with itself
}

void check_links(const natter::RichText& text) {
  for (const natter::Block& b : text.blocks)
    for (const natter::Line& l : b.lines)
      for (const natter::Span& s : l)
        if (!s.href.empty()) check_link(s.href);
}

// Same decoder limit, body cut into pieces of 0..63 bytes by a xorshift PRNG.
std::vector<SseMessage> decode_in_chunks(std::string_view body, std::size_t max_line, uint32_t seed) {
  natter::SseDecoder decoder(max_line);
  std::vector<SseMessage> out;
  uint32_t x = seed | 1u;
  for (std::size_t pos = 0; pos < body.size();) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    const std::size_t n = std::min<std::size_t>(x % 64, body.size() - pos);
    for (SseMessage& m : decoder.feed(body.substr(pos, n))) out.push_back(std::move(m));
    pos += n;
  }
  return out;
}

void decode_reply(const std::vector<SseMessage>& events) {
  std::string reply;
  for (const SseMessage& m : events) {
    const natter::DecodedAgentEvent decoded = natter::decode_agent_event(m.event, m.data);
    const auto* event = std::get_if<natter::AgentEvent>(&decoded);
    if (!event) continue;
    if (const auto* delta = std::get_if<natter::AgentDelta>(event)) {
      if (reply.size() < 32 * 1024) reply += delta->text;  // SendMachine's cap
      check_links(natter::parse_rich_text(reply));
    } else if (const auto* card = std::get_if<natter::AgentCard>(event)) {
      check_link(card->url);
      if (!card->image_url.empty()) check_link(card->image_url);
      check(natter::utf16_length(card->name) <= 200);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const std::size_t max_line = 16 + in.ConsumeIntegralInRange<std::size_t>(0, 64 * 1024);
  const uint32_t seed = in.ConsumeIntegral<uint32_t>();
  const std::string body = in.ConsumeRemainingBytesAsString();

  natter::SseDecoder whole(max_line);
  const std::vector<SseMessage> expected = whole.feed(body);
  const std::vector<SseMessage> chunked = decode_in_chunks(body, max_line, seed);
  check(chunked.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i)
    check(chunked[i].event == expected[i].event && chunked[i].data == expected[i].data);

  decode_reply(expected);
  // The raw bytes as agent text and as every event's data, too.
  check_links(natter::parse_rich_text(body));
  for (const char* name : {"start", "delta", "card", "done", "error"}) natter::decode_agent_event(name, body);
  // ...and as a live-session frame: cards inside events obey the same rules.
  natter::ServerFrame frame;
  if (!natter::decode_server_frame_into(body, frame))
    if (const auto* ev = std::get_if<natter::ServerEvent>(&frame))
      if (const auto* card = std::get_if<natter::AgentCard>(&ev->event)) check_link(card->url);
  return 0;
}
