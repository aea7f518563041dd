// The safe Markdown subset of rich_text.hpp.
//
// Text -> lines -> blocks (paragraph, bullet list, numbered list); each
// line's inline markup -> tokens -> emphasis matched with a delimiter stack
// (CommonMark's idea, simplified) -> spans. Every step is one forward pass
// whose look-aheads are cached, so re-parsing a whole reply on each delta
// stays linear in its length. Whatever matches no rule stays literal text.
//
// Rules beyond the header: emphasis does not cross a line; `_` never opens
// or closes inside a word (snake_case stays literal); runs of four or more
// `*`/`_` are literal; a link's label is plain text; `\` escapes any of
// \*_[]() ; an indented line after a list item continues that item.
#include "chat/rich_text.hpp"

#include <algorithm>
#include <cstring>

namespace natter {
namespace {

constexpr auto npos = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
// A byte of a word: ASCII letters and digits, and every non-ASCII byte.
bool is_word(char c) { return is_alnum(c) || static_cast<unsigned char>(c) >= 0x80; }
bool is_hex(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
// True when `c` is one of the characters of `set` (never for NUL).
bool in_set(const char* set, char c) { return c != '\0' && std::strchr(set, c) != nullptr; }

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c = (s[i] >= 'A' && s[i] <= 'Z') ? static_cast<char>(s[i] + 32) : s[i];
    if (c != prefix[i]) return false;  // prefix is lower case
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The host part of an authority: a DNS-ish name or a bracketed IP literal.
// No '@' gets through, so user@host cannot hide the real host.
bool is_host(std::string_view h) {
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
    if (h.size() == 2) return false;
    for (char c : h.substr(1, h.size() - 2))
      if (!(is_hex(c) || c == ':' || c == '.')) return false;
    return true;
  }
  bool letter = false;
  for (char c : h) {
    if (!(is_word(c) || c == '-' || c == '.')) return false;
    letter = letter || c != '.';
  }
  return letter;
}

// First index >= start whose byte satisfies `hit`, or npos. The answer is
// remembered, so the monotone queries of one line cost O(length) in total.
template <typename Pred>
class NextFinder {
 public:
  NextFinder(std::string_view s, Pred hit) : s_(s), hit_(hit) {}
  std::size_t from(std::size_t start) {
    if (!(known_ && start >= start_ && (found_ == npos || found_ >= start))) {
      std::size_t i = start;
      while (i < s_.size() && !hit_(s_[i])) ++i;
      start_ = start, found_ = i < s_.size() ? i : npos, known_ = true;
    }
    return found_;
  }

 private:
  std::string_view s_;
  Pred hit_;
  bool known_ = false;
  std::size_t start_ = 0, found_ = npos;
};

struct Token {
  enum class Kind { Text, Delim, Link } kind = Kind::Text;
  std::string text;  // literal text, the delimiter's characters, or a link label
  std::string href;  // Link only
  bool bold = false, can_open = false, can_close = false;  // Delim only
  int role = 0;  // Delim: +1 opens, -1 closes, 0 stays literal
};

void append(Line& line, Span span) {
  if (span.text.empty()) return;
  if (!line.empty()) {
    Span& last = line.back();
    if (last.href.empty() && span.href.empty() && last.bold == span.bold && last.italic == span.italic) {
      last.text += span.text;
      return;
    }
  }
  line.push_back(std::move(span));
}

// Inline markup of one line: emphasis, links, bare URLs, escapes.
class InlineParser {
 public:
  explicit InlineParser(std::string_view s)
      : s_(s),
        next_rbracket_(s, [](char c) { return c == ']'; }),
        next_lbracket_(s, [](char c) { return c == '['; }),
        next_url_end_(s, [](char c) { return c == ')' || is_space(c) || is_control(c); }) {}

  Line run() {
    tokenize();
    match_emphasis();
    return emit();
  }

 private:
  void tokenize() {
    std::size_t i = 0;
    while (i < s_.size()) {
      const char c = s_[i];
      if (c == '\\' && i + 1 < s_.size() && in_set("\\*_[]()", s_[i + 1])) {
        add_text(s_.substr(i + 1, 1));
        i += 2;
      } else if (c == '*' || c == '_') {
        i = delimiter_run(i);
      } else if (!(c == '[' && link(i)) && !((c == 'h' || c == 'H') && bare_url(i))) {
        const std::size_t j = s_.find_first_of("\\*_[hH", i + 1);
        add_text(s_.substr(i, j == npos ? npos : j - i));
        i = j == npos ? s_.size() : j;
      }
    }
  }

  std::size_t delimiter_run(std::size_t i) {
    const char c = s_[i];
    std::size_t j = i;
    while (j < s_.size() && s_[j] == c) ++j;
    const std::size_t len = j - i;
    if (len > 3) {
      add_text(s_.substr(i, len));
      return j;
    }
    const char before = i > 0 ? s_[i - 1] : ' ', after = j < s_.size() ? s_[j] : ' ';
    Token t;
    t.kind = Token::Kind::Delim;
    t.can_open = !is_space(after) && (c == '*' || !is_word(before));
    t.can_close = !is_space(before) && (c == '*' || !is_word(after));
    // A run of three is bold + italic: italic innermost, whichever way it faces.
    const bool sizes[3][2] = {{false}, {true}, {!t.can_close, t.can_close}};
    for (std::size_t k = 0; k < (len == 3 ? 2u : 1u); ++k) {
      t.bold = sizes[len - 1][k];
      t.text.assign(t.bold ? 2 : 1, c);
      tokens_.push_back(t);
    }
    return j;
  }

  // [label](url) with a safe url; on success consumes it and returns true.
  bool link(std::size_t& i) {
    const std::size_t close = next_rbracket_.from(i + 1);
    if (close == npos || next_lbracket_.from(i + 1) < close) return false;
    if (close + 1 >= s_.size() || s_[close + 1] != '(') return false;
    const std::size_t end = next_url_end_.from(close + 2);
    if (end == npos || s_[end] != ')') return false;
    const std::string_view url = s_.substr(close + 2, end - close - 2);
    if (!is_safe_link(url)) return false;
    const std::string_view label = trim(s_.substr(i + 1, close - i - 1));
    tokens_.push_back({Token::Kind::Link, std::string(label.empty() ? url : label), std::string(url)});
    i = end + 1;
    return true;
  }

  // A bare http(s):// URL, minus trailing punctuation. Consumes the candidate
  // either as a link or, when it is not safe, as literal text.
  bool bare_url(std::size_t& i) {
    if (i > 0 && is_word(s_[i - 1])) return false;
    const std::string_view rest = s_.substr(i);
    if (!starts_with_nocase(rest, "http://") && !starts_with_nocase(rest, "https://")) return false;
    std::size_t j = i;
    while (j < s_.size() && !is_space(s_[j]) && !is_control(s_[j]) && !in_set("<>\"`", s_[j])) ++j;
    const bool has_paren = s_.substr(i, j - i).find('(') != npos;
    while (j > i && (in_set(".,;:!?*_'", s_[j - 1]) || (s_[j - 1] == ')' && !has_paren))) --j;
    const std::string_view url = s_.substr(i, j - i);
    if (is_safe_link(url))
      tokens_.push_back({Token::Kind::Link, std::string(url), std::string(url)});
    else
      add_text(url);
    i = j;
    return true;
  }

  void add_text(std::string_view t) {
    if (!tokens_.empty() && tokens_.back().kind == Token::Kind::Text)
      tokens_.back().text += t;
    else
      tokens_.push_back({Token::Kind::Text, std::string(t), {}});
  }

  // Pairs each closer with the nearest opener of its kind; openers passed
  // over become literal. `bottom[k]`: no opener of kind k lies below it.
  void match_emphasis() {
    std::vector<std::size_t> stack;
    std::size_t bottom[4] = {0, 0, 0, 0};
    for (std::size_t k = 0; k < tokens_.size(); ++k) {
      Token& t = tokens_[k];
      if (t.kind != Token::Kind::Delim) continue;
      const int kind = (t.text[0] == '_' ? 2 : 0) + (t.bold ? 1 : 0);
      bool closed = false;
      if (t.can_close) {
        for (std::size_t d = stack.size(); d > bottom[kind] && !closed; --d) {
          Token& o = tokens_[stack[d - 1]];
          if (o.text != t.text) continue;
          o.role = +1, t.role = -1, closed = true;
          stack.resize(d - 1);
          for (std::size_t& b : bottom) b = std::min(b, stack.size());
        }
        if (!closed) bottom[kind] = stack.size();
      }
      if (!closed && t.can_open) stack.push_back(k);
    }
  }

  Line emit() const {
    Line line;
    int bold = 0, italic = 0;
    for (const Token& t : tokens_) {
      if (t.kind == Token::Kind::Delim && t.role != 0) {
        (t.bold ? bold : italic) += t.role;
        continue;
      }
      append(line, Span{t.text, bold > 0, italic > 0, t.href});
    }
    return line;
  }

  std::string_view s_;
  std::vector<Token> tokens_;
  NextFinder<bool (*)(char)> next_rbracket_, next_lbracket_, next_url_end_;
};

// "- x", "* x" -> BulletList; "12. x" -> NumberedList; `body` is the item text.
bool list_item(std::string_view line, Block::Kind& kind, std::string_view& body) {
  std::size_t n = 0;
  if (line.size() > 2 && (line[0] == '-' || line[0] == '*') && (line[1] == ' ' || line[1] == '\t')) {
    kind = Block::Kind::BulletList, n = 2;
  } else {
    while (n < line.size() && n < 10 && is_digit(line[n])) ++n;
    if (n == 0 || n == 10 || n + 2 > line.size() || line[n] != '.' || !(line[n + 1] == ' ' || line[n + 1] == '\t'))
      return false;
    kind = Block::Kind::NumberedList, n += 2;
  }
  body = trim(line.substr(n));
  return !body.empty();
}

}  // namespace

RichText parse_rich_text(std::string_view text) {
  RichText out;
  bool open = false;  // the last block still takes lines (no blank line since)
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t eol = text.find_first_of("\r\n", pos);
    const std::string_view raw = text.substr(pos, eol == npos ? npos : eol - pos);
    pos = eol == npos ? text.size() + 1 : eol + ((text[eol] == '\r' && eol + 1 < text.size() && text[eol + 1] == '\n') ? 2 : 1);

    const std::string_view line = trim(raw);
    Block::Kind kind = Block::Kind::Paragraph;
    std::string_view body = line;
    if (line.empty()) {
      open = false;
    } else if (list_item(line, kind, body)) {
      if (!open || out.blocks.back().kind != kind) out.blocks.push_back(Block{kind, {}});
      out.blocks.back().lines.push_back(InlineParser(body).run());
      open = true;
    } else if (open && out.blocks.back().kind != Block::Kind::Paragraph && is_space(raw.front())) {
      Line& item = out.blocks.back().lines.back();
      append(item, Span{" ", false, false, ""});
      for (Span& s : InlineParser(line).run()) append(item, std::move(s));
    } else {
      if (!open || out.blocks.back().kind != Block::Kind::Paragraph) out.blocks.push_back(Block{});
      out.blocks.back().lines.push_back(InlineParser(line).run());
      open = true;
    }
  }
  return out;
}

bool is_safe_link(std::string_view url) {
  for (char c : url)
    if (is_space(c) || is_control(c) || in_set("\\<>\"`", c)) return false;
  std::size_t scheme_len;
  if (starts_with_nocase(url, "https://")) scheme_len = 8;
  else if (starts_with_nocase(url, "http://")) scheme_len = 7;
  else return false;
  const std::string_view rest = url.substr(scheme_len);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  std::string_view host = authority;
  const std::size_t colon = authority.rfind(':');
  if (colon != npos && authority.find(']', colon) == npos) {  // a port, not an IPv6 colon
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5) return false;
    long number = 0;
    for (char c : port) {
      if (!is_digit(c)) return false;
      number = number * 10 + (c - '0');
    }
    if (number > 65535) return false;
    host = authority.substr(0, colon);
  }
  return is_host(host);
}

}  // namespace natter
