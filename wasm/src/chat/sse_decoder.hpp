// Incremental decoder for a text/event-stream body (the HTML "server-sent
// events" format): feed it chunks split anywhere, take out whole events.
// Only `event:` and `data:` fields matter here; comments and `id:`/`retry:`
// are skipped. A line longer than max_line_bytes, or an event whose data
// adds up to more than that, sets overflowed(); the decoder ignores the rest
// of that line, drops the event it belonged to, and decodes later events.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace natter {

struct SseMessage {
  std::string event = "message";  // the `event:` field, default "message"
  std::string data;               // `data:` lines joined by "\n"
};

class SseDecoder {
 public:
  SseDecoder() : SseDecoder(64 * 1024) {}
  explicit SseDecoder(std::size_t max_line_bytes) : max_line_(max_line_bytes) {}

  // Appends `chunk`; returns the events it completed, in order. Sets
  // overflowed() when a line or an event was too long (that event is dropped).
  std::vector<SseMessage> feed(std::string_view chunk);
  bool overflowed() const { return overflowed_; }
  // Forget any partial event and clear overflowed() (a new response starts).
  void reset();

 private:
  void take_line(std::string_view line, std::vector<SseMessage>& out);
  std::size_t max_line_;
  std::string line_;
  SseMessage pending_;
  bool has_data_ = false;
  bool skipping_long_line_ = false;
  bool overflowed_ = false;
  bool after_cr_ = false;
  bool dropping_event_ = false;  // the pending event lost a line: never dispatch it
  bool at_stream_start_ = true;  // a leading UTF-8 BOM is still to be stripped
};

}  // namespace natter
