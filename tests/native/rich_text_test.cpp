// Agent text is untrusted: whatever it holds comes out as plain spans, and
// only http(s) links survive as links.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "chat/rich_text.hpp"

namespace natter {
namespace {

Span text(std::string t, bool bold = false, bool italic = false) {
  Span s;
  s.text = std::move(t), s.bold = bold, s.italic = italic;
  return s;
}

Span link(std::string t, std::string href, bool bold = false) {
  Span s = text(std::move(t), bold);
  s.href = std::move(href);
  return s;
}

// The only line of the only paragraph (fails the test if there is more).
Line one_line(std::string_view input) {
  const RichText r = parse_rich_text(input);
  EXPECT_EQ(r.blocks.size(), 1u) << input;
  if (r.blocks.size() != 1) return {};
  EXPECT_EQ(r.blocks[0].kind, Block::Kind::Paragraph);
  EXPECT_EQ(r.blocks[0].lines.size(), 1u);
  return r.blocks[0].lines.empty() ? Line{} : r.blocks[0].lines[0];
}

std::string all_text(const RichText& r) {
  std::string out;
  for (const Block& b : r.blocks)
    for (const Line& l : b.lines)
      for (const Span& s : l) out += s.text;
  return out;
}

bool has_any_href(const RichText& r) {
  for (const Block& b : r.blocks)
    for (const Line& l : b.lines)
      for (const Span& s : l)
        if (!s.href.empty()) return true;
  return false;
}

TEST(RichText, PlainTextIsOneParagraphWithOneSpan) {
  EXPECT_EQ(one_line("We have 3 PS5 games in stock."), (Line{text("We have 3 PS5 games in stock.")}));
}

TEST(RichText, EmptyOrBlankTextHasNoBlocks) {
  EXPECT_TRUE(parse_rich_text("").blocks.empty());
  EXPECT_TRUE(parse_rich_text(" \n\t\r\n  ").blocks.empty());
}

TEST(RichText, BoldAndItalicWorkInBothSpellings) {
  EXPECT_EQ(one_line("a **b** __c__ *d* _e_"),
            (Line{text("a "), text("b", true), text(" "), text("c", true), text(" "), text("d", false, true),
                  text(" "), text("e", false, true)}));
}

TEST(RichText, ItalicInsideBoldCarriesBothStyles) {
  EXPECT_EQ(one_line("**bold *both* bold**"),
            (Line{text("bold ", true), text("both", true, true), text(" bold", true)}));
}

TEST(RichText, TripleStarsMeanBoldItalic) {
  EXPECT_EQ(one_line("***loud***"), (Line{text("loud", true, true)}));
}

TEST(RichText, UnclosedEmphasisStaysLiteralText) {
  EXPECT_EQ(one_line("**not closed"), (Line{text("**not closed")}));
  EXPECT_EQ(one_line("*half"), (Line{text("*half")}));
  EXPECT_EQ(one_line("**a*"), (Line{text("**a*")}));
}

TEST(RichText, CrossedEmphasisClosesTheInnerPairAndLeavesTheRestLiteral) {
  EXPECT_EQ(one_line("*a **b* c**"), (Line{text("a **b", false, true), text(" c**")}));
}

TEST(RichText, EmphasisDoesNotCrossALineBreak) {
  const RichText r = parse_rich_text("**start\nend**");
  ASSERT_EQ(r.blocks.size(), 1u);
  EXPECT_EQ(r.blocks[0].lines, (std::vector<Line>{{text("**start")}, {text("end**")}}));
}

TEST(RichText, UnderscoresInsideWordsAndSpacedStarsStayLiteral) {
  EXPECT_EQ(one_line("call snake_case_name now"), (Line{text("call snake_case_name now")}));
  EXPECT_EQ(one_line("2 * 3 * 4"), (Line{text("2 * 3 * 4")}));
  EXPECT_EQ(one_line("**** rule ****"), (Line{text("**** rule ****")}));
}

TEST(RichText, BackslashEscapesMarkupCharacters) {
  EXPECT_EQ(one_line("\\*not italic\\* and \\[not](a link)"), (Line{text("*not italic* and [not](a link)")}));
}

TEST(RichText, ScriptTagsStayLiteralText) {
  EXPECT_EQ(one_line("<script>alert(1)</script>"), (Line{text("<script>alert(1)</script>")}));
}

TEST(RichText, ImageTagWithOnerrorStaysLiteralText) {
  EXPECT_EQ(one_line("<img src=x onerror=alert(1)>"), (Line{text("<img src=x onerror=alert(1)>")}));
}

TEST(RichText, MarkdownLinkWithHttpsUrlBecomesALink) {
  EXPECT_EQ(one_line("see [the shop](https://shop.example/p?id=1#top) now"),
            (Line{text("see "), link("the shop", "https://shop.example/p?id=1#top"), text(" now")}));
}

TEST(RichText, LinkWithAnEmptyLabelShowsItsUrl) {
  EXPECT_EQ(one_line("[](http://a.example)"), (Line{link("http://a.example", "http://a.example")}));
}

TEST(RichText, BoldAroundALinkMakesABoldLink) {
  EXPECT_EQ(one_line("**[Buy](https://s.example/b)**"), (Line{link("Buy", "https://s.example/b", true)}));
}

TEST(RichText, JavascriptLinkStaysLiteralText) {
  const RichText r = parse_rich_text("[x](javascript:alert(1))");
  EXPECT_FALSE(has_any_href(r));
  EXPECT_EQ(all_text(r), "[x](javascript:alert(1))");
}

TEST(RichText, NoHostileLinkSpellingBecomesALink) {
  for (const char* url : {"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                          "vbscript:msgbox(1)", "//evil.example/x", "/relative/path", "evil.example",
                          "&#106;avascript:alert(1)", "java%0ascript:alert(1)", "https:/evil.example",
                          "https://", "https://user@evil.example", "ftp://files.example"}) {
    const RichText r = parse_rich_text(std::string("[x](") + url + ") and " + url);
    EXPECT_FALSE(has_any_href(r)) << url;
  }
}

TEST(RichText, ControlCharactersInsideALinkUrlKeepTheLinkLiteral) {
  EXPECT_FALSE(has_any_href(parse_rich_text("[x](java\tscript:alert(1))")));
  // The [x](...) link is refused; only the bare URL before the control
  // character is linked.
  EXPECT_EQ(one_line("[x](https://a.example/\x01)"),
            (Line{text("[x]("), link("https://a.example/", "https://a.example/"), text("\x01)")}));
}

TEST(RichText, BareHttpsUrlBecomesALinkWithoutTrailingPunctuation) {
  EXPECT_EQ(one_line("Go to https://shop.example/a, or (https://shop.example/b)."),
            (Line{text("Go to "), link("https://shop.example/a", "https://shop.example/a"), text(", or ("),
                  link("https://shop.example/b", "https://shop.example/b"), text(").")}));
}

TEST(RichText, BareUrlGluedToAWordIsNotALink) {
  EXPECT_FALSE(has_any_href(parse_rich_text("xhttps://evil.example")));
}

TEST(RichText, BareUrlStopsBeforeAnAngleBracket) {
  EXPECT_EQ(one_line("https://a.example<script>"),
            (Line{link("https://a.example", "https://a.example"), text("<script>")}));
}

TEST(RichText, BlankLineStartsAParagraphAndNewlineBreaksTheLine) {
  const RichText r = parse_rich_text("one\ntwo\n\nthree");
  ASSERT_EQ(r.blocks.size(), 2u);
  EXPECT_EQ(r.blocks[0].lines, (std::vector<Line>{{text("one")}, {text("two")}}));
  EXPECT_EQ(r.blocks[1].lines, (std::vector<Line>{{text("three")}}));
}

TEST(RichText, CrlfAndLoneCrEndLinesLikeNewline) {
  EXPECT_EQ(parse_rich_text("one\r\ntwo\r\rthree"), parse_rich_text("one\ntwo\n\nthree"));
}

TEST(RichText, DashAndStarItemsMakeABulletListAndNumbersANumberedList) {
  const RichText r = parse_rich_text("Options:\n- *one*\n* two\n\n1. first\n10. second");
  ASSERT_EQ(r.blocks.size(), 3u);
  EXPECT_EQ(r.blocks[0].kind, Block::Kind::Paragraph);
  EXPECT_EQ(r.blocks[1].kind, Block::Kind::BulletList);
  EXPECT_EQ(r.blocks[1].lines, (std::vector<Line>{{text("one", false, true)}, {text("two")}}));
  EXPECT_EQ(r.blocks[2].kind, Block::Kind::NumberedList);
  EXPECT_EQ(r.blocks[2].lines, (std::vector<Line>{{text("first")}, {text("second")}}));
}

TEST(RichText, StarWithoutASpaceIsEmphasisNotABullet) {
  const RichText r = parse_rich_text("*fine*\n1.5 kg\n-5 degrees");
  ASSERT_EQ(r.blocks.size(), 1u);
  EXPECT_EQ(r.blocks[0].kind, Block::Kind::Paragraph);
  EXPECT_EQ(r.blocks[0].lines[0], (Line{text("fine", false, true)}));
}

TEST(RichText, IndentedLineContinuesTheListItemAndAnUnindentedOneEndsTheList) {
  const RichText r = parse_rich_text("- PS5 game\n  in stock\nThanks!");
  ASSERT_EQ(r.blocks.size(), 2u);
  EXPECT_EQ(r.blocks[0].lines, (std::vector<Line>{{text("PS5 game in stock")}}));
  EXPECT_EQ(r.blocks[1].kind, Block::Kind::Paragraph);
}

TEST(RichText, EveryPrefixOfAStreamedHostileReplyParsesWithOnlySafeLinks) {
  const std::string reply =
      "**Deals** for _you_:\n- [PS5](https://shop.example/ps5)\n- [x](javascript:alert(1))\n"
      "<img src=x onerror=alert(1)> see https://shop.example/sale.\n\n1. *done*";
  for (std::size_t n = 0; n <= reply.size(); ++n) {
    const RichText r = parse_rich_text(std::string_view(reply).substr(0, n));
    for (const Block& b : r.blocks)
      for (const Line& l : b.lines)
        for (const Span& s : l) {
          EXPECT_FALSE(s.text.empty());
          if (!s.href.empty()) {
            EXPECT_TRUE(is_safe_link(s.href)) << s.href;
          }
        }
  }
}

TEST(RichText, TenThousandNestedEmphasisPairsStillParse) {
  std::string open, close, plain;
  for (int i = 0; i < 5000; ++i) open += "*a _b ", close = " c_ d*" + close, plain += "a b ";
  std::string expected = plain + "x";
  for (int i = 0; i < 5000; ++i) expected += " c d";
  EXPECT_EQ(one_line(open + "x" + close), (Line{text(expected, false, true)}));
}

// A quadratic parser takes seconds on these; the budget is generous for
// sanitizer builds and still catches one.
TEST(RichText, HugeHostileInputsParseInLinearTime) {
  for (const std::string unit : {"**a ", "*_[", "[](", "[x](https://a.example/", "https://", "\\"}) {
    std::string input;
    while (input.size() < 64 * 1024) input += unit;
    const auto start = std::chrono::steady_clock::now();
    const RichText r = parse_rich_text(input);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    EXPECT_LT(ms.count(), 1000) << unit;
    EXPECT_FALSE(r.blocks.empty()) << unit;
  }
}

TEST(RichTextLinks, AbsoluteHttpAndHttpsUrlsWithAHostAreSafe) {
  for (const char* url : {"https://shop.example", "http://shop.example/p?q=1#f", "HTTPS://SHOP.EXAMPLE/",
                          "https://shop.example:8443/x", "http://127.0.0.1:9/api", "http://[::1]:8080/",
                          "https://bücher.example/"})
    EXPECT_TRUE(is_safe_link(url)) << url;
}

TEST(RichTextLinks, EverythingElseIsRefused) {
  for (const char* url : {"", "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
                          "data:text/html;base64,PHNjcmlwdD4=", "vbscript:x", "//evil.example", "/path",
                          "path/only", "https:evil.example", "http:///path", "https://:443/", "https://.../",
                          "https://a.example/ x", "https://a.example/\n", "https://a\x01.example",
                          "https://good.example@evil.example/", "https://a.example:99999/", "https://a.example:/",
                          "https://a.example\\@evil.example", "https://a.example/\"onmouseover=x",
                          "&#104;ttps://a.example", "http%3A//a.example", "mailto:a@b.example"})
    EXPECT_FALSE(is_safe_link(url)) << url;
}

}  // namespace
}  // namespace natter
