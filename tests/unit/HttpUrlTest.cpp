// resolve_http_url: how a favicon link on a page becomes the URL to fetch.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "fumidai/scanner/probes/http/Url.h"

using namespace fumidai::scanner;

TEST(HttpUrl, ResolvesReferencesAgainstThePage) {
  const std::string base = "http://192.0.2.1:8080/admin/login.html?next=/";
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"favicon.ico", "http://192.0.2.1:8080/admin/favicon.ico"},
      {"./img/f.ico", "http://192.0.2.1:8080/admin/img/f.ico"},
      {"../f.ico", "http://192.0.2.1:8080/f.ico"},
      {"../../../../f.ico", "http://192.0.2.1:8080/f.ico"},
      {"a/./b/../c.ico", "http://192.0.2.1:8080/admin/a/c.ico"},
      {"/static/f.ico?v=2", "http://192.0.2.1:8080/static/f.ico?v=2"},
      {"/a/b/..", "http://192.0.2.1:8080/a/"},
      {"//cdn.example/f.ico", "http://cdn.example/f.ico"},
      {"https://Other.example/x.ico#frag", "https://Other.example/x.ico"},
      {"HTTP://h", "http://h/"},
      {"?v=3", "http://192.0.2.1:8080/admin/login.html?v=3"},
      {"", "http://192.0.2.1:8080/admin/login.html?next=/"},
      {"#top", "http://192.0.2.1:8080/admin/login.html?next=/"},
      {"  f.ico\n", "http://192.0.2.1:8080/admin/f.ico"},
      {"f\t.i\nco", "http://192.0.2.1:8080/admin/f.ico"},
      {"my icon.ico", "http://192.0.2.1:8080/admin/my%20icon.ico"},
      {"caf\xC3\xA9.ico", "http://192.0.2.1:8080/admin/caf%C3%A9.ico"},
      {"\xff\x01.ico", "http://192.0.2.1:8080/admin/%FF%01.ico"},
  };
  for (const auto& [ref, want] : cases) EXPECT_EQ(resolve_http_url(base, ref), want) << ref;
  EXPECT_EQ(resolve_http_url("https://h", "f.ico"), "https://h/f.ico");
  EXPECT_EQ(resolve_http_url("https://h", "//x/y"), "https://x/y");
  EXPECT_EQ(resolve_http_url("http://h/dir/", "f.ico"), "http://h/dir/f.ico");
}

TEST(HttpUrl, RefusesWhatIsNotAnHttpUrl) {
  const std::string base = "http://h/";
  for (std::string_view ref : {"data:image/png;base64,AAAA", "javascript:alert(1)", "ftp://h/f.ico", "http:f.ico",
                               "http:///f.ico", "//", "mailto:a@b"}) {
    EXPECT_FALSE(resolve_http_url(base, ref)) << ref;
  }
  EXPECT_FALSE(resolve_http_url("ftp://h/", "f.ico"));
  EXPECT_FALSE(resolve_http_url("/relative/base", "f.ico"));
  EXPECT_FALSE(resolve_http_url("", "f.ico"));
  EXPECT_FALSE(resolve_http_url(base, std::string(kMaxUrlBytes + 1, 'a')));
  EXPECT_EQ(resolve_http_url(base, std::string(kMaxUrlBytes - 10, ' ') + "x"), "http://h/x");  // trimmed
  // Within the limit as written, past it once percent-encoded.
  EXPECT_FALSE(resolve_http_url(base, "a" + std::string(800, ' ') + "b"));
}
