#pragma once
// The two things a grabber records from a page: its <title> and the href of
// its icon link. Not an HTML parser: one forward scan over the tags, in the
// way a browser's tokenizer reads them (comments, <!...>/<?...> declarations
// and the text of <script>, <style> and <textarea> are skipped; attribute
// values may be double-quoted, single-quoted or unquoted). No regex and no
// backtracking: every byte is looked at a bounded number of times, whatever
// the page. Pure functions on untrusted bytes, safe from any thread.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fumidai::scanner {

inline constexpr std::size_t kMaxTitleBytes = 1024;

// The text of the first <title> element (attributes on the tag allowed, tag
// name in any case), up to </title> or the end of the input: character
// references decoded (&amp; &lt; &gt; &quot; &apos; &nbsp; &#NN; &#xHH;),
// runs of whitespace collapsed to one space, trimmed, invalid UTF-8 and NUL
// replaced by U+FFFD, and cut to at most kMaxTitleBytes on a character
// boundary. Always valid UTF-8. Nothing when the page has no <title>.
std::optional<std::string> extract_title(std::string_view html);

// The href of the first <link> whose rel has the token "icon" (so "icon" and
// "shortcut icon", not "apple-touch-icon"), references decoded and
// surrounding whitespace removed; raw bytes otherwise (resolve it with
// resolve_http_url before output). Nothing when there is no such link, or it
// has no href, or the href is longer than kMaxUrlBytes.
std::optional<std::string> find_icon_href(std::string_view html);

}  // namespace fumidai::scanner
