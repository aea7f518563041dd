// Agent text is untrusted. It is parsed here into a tiny, closed document
// model (paragraphs and lists of styled spans, links http/https only) that
// the shim renders with createElement/textContent; markup the model cannot
// express stays visible as plain text and never becomes HTML.
//
// Supported subset (a safe slice of Markdown):
//   **bold**, __bold__, *italic*, _italic_, [label](https://…), bare
//   https://… links, "- " / "* " bullet items, "1. " numbered items,
//   blank line = new paragraph, single newline = line break.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace natter {

struct Span {
  std::string text;
  bool bold = false;
  bool italic = false;
  std::string href;  // empty, or an absolute http:// or https:// URL
  bool operator==(const Span& o) const {
    return text == o.text && bold == o.bold && italic == o.italic && href == o.href;
  }
};

using Line = std::vector<Span>;

struct Block {
  enum class Kind { Paragraph, BulletList, NumberedList };
  Kind kind = Kind::Paragraph;
  // Paragraph: its lines (joined by line breaks). Lists: one line per item.
  std::vector<Line> lines;
  bool operator==(const Block& o) const { return kind == o.kind && lines == o.lines; }
};

struct RichText {
  std::vector<Block> blocks;
  bool operator==(const RichText& o) const { return blocks == o.blocks; }
};

// Parses agent text into the model. Total: never fails, any input is valid.
RichText parse_rich_text(std::string_view text);

// True for an absolute http:// or https:// URL with a host and no control
// characters or whitespace; everything else (javascript:, data:, relative,
// protocol-relative) is refused.
bool is_safe_link(std::string_view url);

}  // namespace natter
