// The reply stream arrives in chunks cut anywhere; the events that come out
// must not depend on where the cuts fall.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "chat/sse_decoder.hpp"

namespace natter {
namespace {

// Events as (name, data) pairs, which GoogleTest can compare and print.
using Event = std::pair<std::string, std::string>;
using Events = std::vector<Event>;
Event msg(std::string event, std::string data) { return {std::move(event), std::move(data)}; }

Events feed(SseDecoder& d, std::string_view chunk) {
  Events out;
  for (SseMessage& m : d.feed(chunk)) out.emplace_back(std::move(m.event), std::move(m.data));
  return out;
}

Events feed_all(SseDecoder& d, const std::vector<std::string>& chunks) {
  Events out;
  for (const std::string& c : chunks)
    for (Event& e : feed(d, c)) out.push_back(std::move(e));
  return out;
}

Events decode(const std::vector<std::string>& chunks, std::size_t max_line = 64 * 1024) {
  SseDecoder d(max_line);
  return feed_all(d, chunks);
}

// Every line ending, a comment, ignored fields, a multi-line event, an
// empty data line, a dataless event and a value with a colon.
const std::string kSample =
    ": keep-alive\n"
    "event: start\r\ndata: {\"reply_id\":\"r1\"}\r\n\r\n"
    "id: 7\nretry: 1000\nevent: delta\rdata: {\"text\":\"Hi\"}\r\r"
    "data: line one\ndata:line two\ndata\n\n"
    "event: card\n\n"
    "event: done\r\ndata: {}\r\n\r\n"
    "data: a: b\n\n";

const Events kSampleEvents = {msg("start", "{\"reply_id\":\"r1\"}"), msg("delta", "{\"text\":\"Hi\"}"),
                              msg("message", "line one\nline two\n"), msg("done", "{}"), msg("message", "a: b")};

TEST(SseDecoder, TheSampleStreamDecodesToTheExpectedEvents) {
  EXPECT_EQ(decode({kSample}), kSampleEvents);
}

TEST(SseDecoder, EverySplitIntoTwoChunksGivesTheSameEvents) {
  for (std::size_t i = 0; i <= kSample.size(); ++i)
    ASSERT_EQ(decode({kSample.substr(0, i), kSample.substr(i)}), kSampleEvents) << "split at " << i;
}

TEST(SseDecoder, EverySplitIntoThreeChunksGivesTheSameEvents) {
  for (std::size_t i = 0; i <= kSample.size(); ++i)
    for (std::size_t j = i; j <= kSample.size(); ++j)
      ASSERT_EQ(decode({kSample.substr(0, i), kSample.substr(i, j - i), kSample.substr(j)}), kSampleEvents)
          << "split at " << i << " and " << j;
}

TEST(SseDecoder, OneByteAtATimeGivesTheSameEvents) {
  std::vector<std::string> bytes;
  for (char c : kSample) bytes.emplace_back(1, c);
  EXPECT_EQ(decode(bytes), kSampleEvents);
}

TEST(SseDecoder, CrlfSplitAcrossChunksEndsOneLineNotTwo) {
  SseDecoder d;
  EXPECT_TRUE(feed(d, "data: a\r").empty());
  EXPECT_TRUE(feed(d, "").empty());
  EXPECT_TRUE(feed(d, "\n").empty());  // a second line end here would dispatch
  EXPECT_EQ(feed(d, "\r\n"), (Events{msg("message", "a")}));
}

TEST(SseDecoder, ALoneCrAtTheEndOfAChunkStillEndsTheLine) {
  SseDecoder d;
  EXPECT_TRUE(feed(d, "data: a\r").empty());
  EXPECT_EQ(feed(d, "\rdata: b\n\n"), (Events{msg("message", "a"), msg("message", "b")}));
}

TEST(SseDecoder, OnlyOneLeadingSpaceOfAValueIsStripped) {
  EXPECT_EQ(decode({"data:  two\n\ndata:none\n\n"}), (Events{msg("message", " two"), msg("message", "none")}));
}

TEST(SseDecoder, EventWithoutDataLinesIsNotDispatchedAndItsNameIsForgotten) {
  EXPECT_EQ(decode({"event: start\n\ndata: y\n\n"}), (Events{msg("message", "y")}));
}

TEST(SseDecoder, EventNameResetsToMessageAfterDispatch) {
  EXPECT_EQ(decode({"event: delta\ndata: 1\n\ndata: 2\n\nevent:\ndata: 3\n\n"}),
            (Events{msg("delta", "1"), msg("message", "2"), msg("message", "3")}));
}

TEST(SseDecoder, FieldNamesAreCaseSensitiveAndUnknownOnesAreIgnored) {
  EXPECT_EQ(decode({"Event: x\nDATA: no\nfoo: bar\ndata: yes\n\n"}), (Events{msg("message", "yes")}));
}

TEST(SseDecoder, CommentsNeverProduceEvents) {
  EXPECT_TRUE(decode({":hello\n\n: data: x\n\n"}).empty());
}

TEST(SseDecoder, AnEventCutOffByTheEndOfTheBodyIsNotDispatched) {
  EXPECT_TRUE(decode({"event: done\ndata: {}\n"}).empty());
}

TEST(SseDecoder, ALeadingByteOrderMarkIsIgnoredEvenWhenSplit) {
  EXPECT_EQ(decode({"\xEF\xBB", "\xBF" "data: x\n\n"}), (Events{msg("message", "x")}));
  EXPECT_EQ(decode({"data: x\n\n\xEF\xBB\xBF" "data: y\n\n"}), (Events{msg("message", "x")}));
}

TEST(SseDecoder, ALineAtTheLimitIsKept) {
  SseDecoder d(10);
  EXPECT_EQ(feed(d, "data: 1234\n\n"), (Events{msg("message", "1234")}));
  EXPECT_FALSE(d.overflowed());
}

TEST(SseDecoder, TooLongLineIsReportedItsEventDroppedAndLaterEventsStillDecode) {
  const std::string body = "event: delta\ndata: " + std::string(100, 'x') + "\ndata: tail\n\nevent: done\ndata: {}\n\n";
  for (std::size_t chunk : {body.size(), std::size_t{1}, std::size_t{7}}) {
    SseDecoder d(16);
    std::vector<std::string> chunks;
    for (std::size_t i = 0; i < body.size(); i += chunk) chunks.push_back(body.substr(i, chunk));
    EXPECT_EQ(feed_all(d, chunks), (Events{msg("done", "{}")})) << chunk;
    EXPECT_TRUE(d.overflowed());
  }
}

TEST(SseDecoder, ManyShortDataLinesAddingUpPastTheLimitDropTheEvent) {
  SseDecoder d(16);
  EXPECT_TRUE(feed(d, "data: 12345\ndata: 12345\ndata: 12345\n\n").empty());
  EXPECT_TRUE(d.overflowed());
  EXPECT_EQ(feed(d, "data: ok\n\n"), (Events{msg("message", "ok")}));
}

TEST(SseDecoder, ResetForgetsThePartialEventAndTheOverflow) {
  SseDecoder d(16);
  d.feed("data: " + std::string(40, 'x') + "\n\nevent: delta\ndata: half");
  ASSERT_TRUE(d.overflowed());
  d.reset();
  EXPECT_FALSE(d.overflowed());
  EXPECT_EQ(feed(d, "\xEF\xBB\xBF" "data: fresh\n\n"), (Events{msg("message", "fresh")}));
}

}  // namespace
}  // namespace natter
