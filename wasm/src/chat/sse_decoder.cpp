// text/event-stream decoding as the WHATWG HTML spec's "interpret an event
// stream" section describes it, restricted to the `event` and `data` fields.
// Chunks may split anything, including the "\r\n" pair, so the decoder keeps
// the unfinished line and whether the last byte it saw was a lone "\r".
#include "chat/sse_decoder.hpp"

namespace natter {

std::vector<SseMessage> SseDecoder::feed(std::string_view chunk) {
  std::vector<SseMessage> out;
  std::size_t pos = 0;
  if (after_cr_ && !chunk.empty()) {
    after_cr_ = false;
    if (chunk[0] == '\n') pos = 1;  // the "\n" of a "\r\n" split across chunks
  }
  while (pos < chunk.size()) {
    const std::size_t eol = chunk.find_first_of("\r\n", pos);
    const std::string_view piece = chunk.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
    if (!skipping_long_line_) {
      if (line_.size() + piece.size() > max_line_) {
        overflowed_ = skipping_long_line_ = dropping_event_ = true;
        line_.clear();
        line_.shrink_to_fit();
      } else {
        line_.append(piece);
      }
    }
    if (eol == std::string_view::npos) break;

    if (!skipping_long_line_) take_line(line_, out);
    at_stream_start_ = skipping_long_line_ = false;
    line_.clear();
    pos = eol + 1;
    if (chunk[eol] == '\r') {
      if (pos == chunk.size()) after_cr_ = true;
      else if (chunk[pos] == '\n') ++pos;
    }
  }
  return out;
}

void SseDecoder::take_line(std::string_view line, std::vector<SseMessage>& out) {
  if (at_stream_start_ && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  if (line.empty()) {  // dispatch
    if (has_data_ && !dropping_event_) {
      if (pending_.event.empty()) pending_.event = "message";
      out.push_back(std::move(pending_));
    }
    pending_ = SseMessage{};
    has_data_ = dropping_event_ = false;
    return;
  }
  if (line[0] == ':') return;  // comment
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    pending_.event.assign(value);
  } else if (field == "data" && !dropping_event_) {
    if (pending_.data.size() + value.size() + 1 > max_line_) {  // the event's data is too long
      overflowed_ = dropping_event_ = true;
      pending_.data = std::string();
      return;
    }
    if (has_data_) pending_.data += '\n';
    pending_.data.append(value);
    has_data_ = true;
  }
  // id, retry and unknown fields are ignored.
}

void SseDecoder::reset() {
  line_.clear();
  pending_ = SseMessage{};
  has_data_ = skipping_long_line_ = overflowed_ = after_cr_ = dropping_event_ = false;
  at_stream_start_ = true;
}

}  // namespace natter
