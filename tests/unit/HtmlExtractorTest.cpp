// extract_title and find_icon_href: what real pages do, and pages built to
// make a naive scanner slow.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "fumidai/scanner/probes/http/HtmlExtractor.h"
#include "fumidai/scanner/probes/http/Url.h"  // kMaxUrlBytes

using namespace fumidai::scanner;

namespace {

// Whether `s` is well-formed UTF-8 (Unicode Table 3-7), written
// independently of the code under test.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b < 0x80)
      n = 1;
    else if (b >= 0xC2 && b <= 0xDF)
      n = 2;
    else if (b == 0xE0)
      n = 3, lo = 0xA0;
    else if (b == 0xED)
      n = 3, hi = 0x9F;
    else if (b >= 0xE1 && b <= 0xEF)
      n = 3;
    else if (b == 0xF0)
      n = 4, lo = 0x90;
    else if (b == 0xF4)
      n = 4, hi = 0x8F;
    else if (b >= 0xF1 && b <= 0xF3)
      n = 4;
    else
      return false;
    if (i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n;
  }
  return true;
}

template <class F>
double seconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST(HtmlExtractor, TitleBasics) {
  EXPECT_EQ(extract_title("<html><head><title>Hello</title></head></html>"), "Hello");
  EXPECT_EQ(extract_title("<TITLE>Upper</TITLE>"), "Upper");
  EXPECT_EQ(extract_title("<Title lang=\"en\" data-x='1'>Attrs</tItLe>"), "Attrs");
  EXPECT_EQ(extract_title("<title>\n  Router\t\tLogin \r\n Page  </title>"), "Router Login Page");
  EXPECT_EQ(extract_title("<title></title>"), "");
  EXPECT_EQ(extract_title("<title>   </title>"), "");
  EXPECT_EQ(extract_title("<title>first</title><title>second</title>"), "first");
  EXPECT_EQ(extract_title("<title>unclosed until the end"), "unclosed until the end");
  EXPECT_EQ(extract_title("<title>a < b </titlex> c</title >"), "a < b </titlex> c");
  EXPECT_FALSE(extract_title("<html><body>no title</body></html>"));
  EXPECT_FALSE(extract_title("<titlex>not a title</titlex>"));
  EXPECT_FALSE(extract_title(""));
}

TEST(HtmlExtractor, TitleEntities) {
  EXPECT_EQ(extract_title("<title>A &amp; B &lt;C&gt; &quot;D&quot; &#39;E&#39; &apos;F&apos;</title>"),
            "A & B <C> \"D\" 'E' 'F'");
  EXPECT_EQ(extract_title("<title>&#72;&#x69;&#X21; &#233; &#x1F600;</title>"), "Hi! \xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(extract_title("<title>a&nbsp;b</title>"),
            "a\xC2\xA0"
            "b");
  EXPECT_EQ(extract_title("<title>&AMP; &copy; &amp &#; &#x; &#12a; & x</title>"), "& &copy; &amp &#; &#x; &#12a; & x");
  // Like a browser: NUL, surrogates and out-of-range numbers become U+FFFD.
  EXPECT_EQ(extract_title("<title>&#0;&#xD800;&#1114112;&#99999999999;</title>"),
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD&#99999999999;");
  // Whitespace from references collapses too.
  EXPECT_EQ(extract_title("<title>&#32;a&#10;&#9; b&#32;</title>"), "a b");
}

TEST(HtmlExtractor, TitleIsValidUtf8) {
  using namespace std::string_literals;
  EXPECT_EQ(extract_title("<title>caf\xe9</title>"), "caf\xEF\xBF\xBD");
  EXPECT_EQ(extract_title("<title>\xC3\xA9t\xC3\xA9</title>"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(extract_title("<title>a\0b</title>"s),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(extract_title("<title>\xF0\x9F\x98</title>"), "\xEF\xBF\xBD");
  EXPECT_EQ(extract_title("<title>\xED\xA0\x80</title>"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(HtmlExtractor, TitleCappedAtOneKibOnACharacterBoundary) {
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xC3\xA9";
  const auto t1 = extract_title("<title>" + accents + "</title>");
  ASSERT_TRUE(t1);
  EXPECT_EQ(t1->size(), 1024u);
  EXPECT_TRUE(valid_utf8(*t1));
  // Three-byte characters: 1024 is not a multiple of 3.
  std::string euros;
  for (int i = 0; i < 1000; ++i) euros += "\xE2\x82\xAC";
  const auto t2 = extract_title("<title>x" + euros + "</title>");
  ASSERT_TRUE(t2);
  EXPECT_EQ(t2->size(), 1 + 341 * 3u);
  EXPECT_TRUE(valid_utf8(*t2));
  // Invalid bytes grow threefold as U+FFFD; the cap holds after that.
  const auto t3 = extract_title("<title>" + std::string(3000, '\xff') + "</title>");
  ASSERT_TRUE(t3);
  EXPECT_EQ(t3->size(), 1023u);
  EXPECT_TRUE(valid_utf8(*t3));
  // A long run of whitespace does not use up the cap.
  const auto t4 = extract_title("<title>a" + std::string(100000, ' ') + "b</title>");
  EXPECT_EQ(t4, "a b");
  const auto t5 = extract_title("<title>" + std::string(5000, 'z') + "</title>");
  EXPECT_EQ(t5, std::string(1024, 'z'));
}

TEST(HtmlExtractor, TitleSkipsCommentsScriptsAndStyles) {
  EXPECT_EQ(extract_title("<!-- <title>no</title> --><script>var s = \"<title>no</title>\";</script>"
                          "<style>/* <title>no</title> */</style><textarea><title>no</title></textarea>"
                          "<!DOCTYPE html><?xml version=\"1.0\"?><title>yes</title>"),
            "yes");
  EXPECT_EQ(extract_title("<SCRIPT type=x><title>no</title></script ><title>yes</title>"), "yes");
  EXPECT_FALSE(extract_title("<!-- unterminated comment <title>no</title>"));
  EXPECT_FALSE(extract_title("<script><title>no</title>"));  // the script never ends
  EXPECT_EQ(extract_title("<div title=\"<title>no</title>\"><title>yes</title>"), "yes");
  EXPECT_EQ(extract_title("a < b <3 <title>yes</title>"), "yes");
}

TEST(HtmlExtractor, IconLinkQuotingAndAttributeOrder) {
  EXPECT_EQ(find_icon_href("<link rel=\"icon\" href=\"/favicon.png\">"), "/favicon.png");
  EXPECT_EQ(find_icon_href("<link href='/a.ico' rel='shortcut icon'>"), "/a.ico");
  EXPECT_EQ(find_icon_href("<LINK REL=ICON HREF=/b.ico>"), "/b.ico");
  EXPECT_EQ(find_icon_href("<link type=\"image/png\" href = \"c.png\" rel = \"Shortcut Icon\" />"), "c.png");
  EXPECT_EQ(find_icon_href("<link\nrel=\"icon\"\nhref=\"d.ico\"/>"), "d.ico");
  EXPECT_EQ(find_icon_href("<link rel=icon href=/e.ico/>"), "/e.ico/");  // unquoted: '/' belongs to the value
  EXPECT_EQ(find_icon_href("<link rel=\"icon\" href=\" /x.ico?a=1&amp;b=2 \">"), "/x.ico?a=1&b=2");
  EXPECT_EQ(find_icon_href("<link rel=\"icon\" href=\"//cdn.example/f.ico\">"), "//cdn.example/f.ico");
}

TEST(HtmlExtractor, IconLinkWhichLinks) {
  EXPECT_FALSE(find_icon_href("<link rel=\"apple-touch-icon\" href=\"/touch.png\">"));
  EXPECT_FALSE(find_icon_href("<link rel=\"stylesheet\" href=\"/s.css\">"));
  EXPECT_FALSE(find_icon_href("<a rel=\"icon\" href=\"/not-a-link.ico\">"));
  EXPECT_FALSE(find_icon_href("<link rel=\"icon\">"));
  EXPECT_FALSE(find_icon_href("<!-- <link rel=icon href=/c.ico> -->"));
  EXPECT_FALSE(find_icon_href("<script>document.write('<link rel=icon href=/s.ico>')</script>"));
  EXPECT_EQ(find_icon_href("<link rel=\"apple-touch-icon\" href=\"/t.png\"><link rel=\"icon\" href=\"/1.ico\">"
                           "<link rel=\"icon\" href=\"/2.ico\">"),
            "/1.ico");
  // The first of repeated attributes counts, as in a browser.
  EXPECT_EQ(find_icon_href("<link rel=icon href=/first.ico href=/second.ico>"), "/first.ico");
  EXPECT_FALSE(find_icon_href("<link rel=stylesheet rel=icon href=/x.ico>"));
  EXPECT_FALSE(find_icon_href("<link rel=\"icon\" href=\"" + std::string(kMaxUrlBytes + 1, 'a') + "\">"));
  EXPECT_FALSE(find_icon_href("<link rel=\"icon\" href=\"/unterminated.ico>"));
}

TEST(HtmlExtractor, HostilePagesTakeLinearTime) {
  // Each would take minutes in a scanner that backtracks or restarts.
  const std::size_t n = 1 << 20;
  std::string repeat_tag_starts;
  while (repeat_tag_starts.size() < n) repeat_tag_starts += "<a ";
  std::string repeat_quotes;
  while (repeat_quotes.size() < n) repeat_quotes += "<a b=\"";
  std::string repeat_end_tags = "<script>";
  while (repeat_end_tags.size() < n) repeat_end_tags += "</scrip</";
  std::string references = "<title>";
  while (references.size() < n) references += "&#1111111&#x";
  std::string comments;
  while (comments.size() < n) comments += "<!-<!--";
  const std::string pages[] = {std::string(n, '<'),
                               repeat_tag_starts,
                               repeat_quotes,
                               repeat_end_tags,
                               references,
                               comments,
                               "<title>" + std::string(n, '&'),
                               std::string(n, '\0')};
  for (const auto& page : pages) {
    const double took = seconds([&] {
      (void)extract_title(page);
      (void)find_icon_href(page);
    });
    EXPECT_LT(took, 2.0) << page.substr(0, 20);
  }
}
