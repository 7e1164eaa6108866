#include "fumidai/scanner/probes/http/HtmlExtractor.h"

#include <cstdint>

#include "fumidai/core/Hex.h"
#include "fumidai/scanner/probes/http/AsciiText.h"
#include "fumidai/scanner/probes/http/Url.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

namespace {

using http_text::iequals;
using http_text::is_html_space;
using http_text::istarts_with;

// Where decoded text goes: stops taking bytes at `cap`, and optionally
// collapses whitespace runs to one space and drops leading and trailing ones.
class TextSink {
 public:
  TextSink(std::size_t cap, bool collapse) : cap_(cap), collapse_(collapse) {}

  void put(char c) {
    if (collapse_ && is_html_space(c)) {
      space_pending_ = !out_.empty();
      return;
    }
    if (space_pending_) {
      append(' ');
      space_pending_ = false;
    }
    append(c);
  }
  void put(std::string_view s) {
    for (const char c : s) put(c);
  }
  bool full() const { return out_.size() >= cap_; }
  std::string take() { return std::move(out_); }

 private:
  void append(char c) {
    if (!full()) out_ += c;
  }

  std::string out_;
  std::size_t cap_;
  bool collapse_;
  bool space_pending_ = false;
};

void put_utf8(std::uint32_t cp, TextSink& sink) {
  // Like a browser: NUL, surrogates and values past U+10FFFF become U+FFFD.
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    sink.put(static_cast<char>(cp));
  } else if (cp < 0x800) {
    sink.put(static_cast<char>(0xC0 | (cp >> 6)));
    sink.put(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    sink.put(static_cast<char>(0xE0 | (cp >> 12)));
    sink.put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    sink.put(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    sink.put(static_cast<char>(0xF0 | (cp >> 18)));
    sink.put(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    sink.put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    sink.put(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A numeric reference "#NN;" or "#xHH;" at the start of `s` (after the '&'):
// its length and code point. At most 8 digits are read, which bounds the
// look-ahead and keeps the value from overflowing.
std::optional<std::pair<std::size_t, std::uint32_t>> numeric_reference(std::string_view s) {
  if (s.size() < 3 || s[0] != '#') return std::nullopt;
  const bool hex = s[1] == 'x' || s[1] == 'X';
  std::size_t i = hex ? 2 : 1;
  const std::size_t digits_start = i;
  std::uint32_t value = 0;
  for (; i < s.size() && i - digits_start < 8; ++i) {
    const int digit = hex ? hex_digit_value(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
    if (digit < 0) break;
    value = value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
  }
  if (i == digits_start || i >= s.size() || s[i] != ';') return std::nullopt;
  return std::pair{i + 1, value};
}

// Decodes the character references a title or URL in the wild uses; any
// other '&' stays as it is.
void decode_into(std::string_view text, TextSink& sink) {
  static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
      {"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""}, {"apos;", "'"}, {"nbsp;", "\xC2\xA0"}};
  std::size_t i = 0;
  while (i < text.size() && !sink.full()) {
    if (text[i] != '&') {
      sink.put(text[i++]);
      continue;
    }
    const std::string_view rest = text.substr(i + 1);
    std::size_t used = 0;
    if (const auto numeric = numeric_reference(rest)) {
      put_utf8(numeric->second, sink);
      used = numeric->first;
    } else {
      for (const auto& [name, value] : kNamed) {
        if (istarts_with(rest, name)) {
          sink.put(value);
          used = name.size();
          break;
        }
      }
      if (used == 0) sink.put('&');
    }
    i += 1 + used;
  }
}

struct Attribute {
  std::string_view name;
  std::string_view value;
};

struct Tag {
  std::string_view name;
  bool closing = false;
};

// Walks the tags of a document in order. Each call to next() resumes where
// the last one stopped, so a whole walk reads each byte a bounded number of
// times. A tag left open at the end of the input ends the walk, as it does in
// a browser.
class TagScanner {
 public:
  explicit TagScanner(std::string_view html) : html_(html) {}

  // The next start or end tag; `on_attribute` sees each of its attributes.
  template <class OnAttribute>
  std::optional<Tag> next(OnAttribute&& on_attribute) {
    while (pos_ < html_.size()) {
      const std::size_t lt = html_.find('<', pos_);
      if (lt == std::string_view::npos) break;
      const std::string_view at = html_.substr(lt);
      if (at.starts_with("<!--")) {
        pos_ = skip_past(lt + 4, "-->");
        continue;
      }
      if (at.size() > 1 && (at[1] == '!' || at[1] == '?')) {
        pos_ = skip_past(lt + 2, ">");
        continue;
      }
      const bool closing = at.size() > 1 && at[1] == '/';
      std::size_t i = lt + 1 + (closing ? 1 : 0);
      if (i >= html_.size() || !is_letter(html_[i])) {
        pos_ = lt + 1;  // a '<' that starts no tag is text
        continue;
      }
      const std::size_t name_start = i;
      while (i < html_.size() && !is_html_space(html_[i]) && html_[i] != '/' && html_[i] != '>') ++i;
      const Tag tag{html_.substr(name_start, i - name_start), closing};
      const auto end = read_attributes(i, on_attribute);
      if (!end) break;
      pos_ = *end;
      return tag;
    }
    pos_ = html_.size();
    return std::nullopt;
  }

  // The text from the current position up to the end tag `</name` (any
  // case), or to the end of the input; the walk resumes after that end tag.
  std::string_view text_until_end_tag(std::string_view name) {
    const std::size_t start = pos_;
    std::size_t search = pos_;
    while (true) {
      const std::size_t lt = html_.find("</", search);
      if (lt == std::string_view::npos) {
        pos_ = html_.size();
        return html_.substr(start);
      }
      const std::string_view after = html_.substr(lt + 2);
      if (istarts_with(after, name) && (after.size() == name.size() || is_html_space(after[name.size()]) ||
                                        after[name.size()] == '/' || after[name.size()] == '>')) {
        pos_ = lt;  // next() reads the end tag itself
        return html_.substr(start, lt - start);
      }
      search = lt + 2;
    }
  }

 private:
  static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

  std::size_t skip_past(std::size_t from, std::string_view terminator) const {
    const std::size_t end = html_.find(terminator, from);
    return end == std::string_view::npos ? html_.size() : end + terminator.size();
  }

  // The HTML tokenizer's attribute states, reduced to what finds names,
  // values and the tag's end. Returns the position after the tag's '>'.
  template <class OnAttribute>
  std::optional<std::size_t> read_attributes(std::size_t i, OnAttribute& on_attribute) const {
    const std::size_t n = html_.size();
    while (true) {
      while (i < n && (is_html_space(html_[i]) || html_[i] == '/')) ++i;
      if (i >= n) return std::nullopt;
      if (html_[i] == '>') return i + 1;
      const std::size_t name_start = i;
      ++i;  // a name may start with '='
      while (i < n && !is_html_space(html_[i]) && html_[i] != '/' && html_[i] != '>' && html_[i] != '=') ++i;
      const std::string_view name = html_.substr(name_start, i - name_start);
      while (i < n && is_html_space(html_[i])) ++i;
      std::string_view value;
      if (i < n && html_[i] == '=') {
        ++i;
        while (i < n && is_html_space(html_[i])) ++i;
        if (i >= n) return std::nullopt;
        if (html_[i] == '"' || html_[i] == '\'') {
          const std::size_t close = html_.find(html_[i], i + 1);
          if (close == std::string_view::npos) return std::nullopt;
          value = html_.substr(i + 1, close - i - 1);
          i = close + 1;
        } else {
          const std::size_t value_start = i;
          while (i < n && !is_html_space(html_[i]) && html_[i] != '>') ++i;
          value = html_.substr(value_start, i - value_start);
        }
      }
      on_attribute(Attribute{name, value});
    }
  }

  std::string_view html_;
  std::size_t pos_ = 0;
};

void ignore_attribute(const Attribute&) {}

bool is_raw_text_element(std::string_view name) {
  return iequals(name, "script") || iequals(name, "style") || iequals(name, "textarea");
}

bool has_icon_token(std::string_view rel) {
  std::size_t i = 0;
  while (i < rel.size()) {
    while (i < rel.size() && is_html_space(rel[i])) ++i;
    const std::size_t start = i;
    while (i < rel.size() && !is_html_space(rel[i])) ++i;
    if (iequals(rel.substr(start, i - start), "icon")) return true;
  }
  return false;
}

// Cuts valid UTF-8 to at most `max` bytes without splitting a character.
void cut_utf8(std::string& s, std::size_t max) {
  if (s.size() <= max) return;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
}

}  // namespace

std::optional<std::string> extract_title(std::string_view html) {
  TagScanner scanner(html);
  while (const auto tag = scanner.next(ignore_attribute)) {
    if (tag->closing) continue;
    if (iequals(tag->name, "title")) {
      // Decoding stops a few bytes past the cap: enough to know where the cap
      // falls, as json_safe_text never makes text shorter.
      TextSink sink(kMaxTitleBytes + 4, /*collapse=*/true);
      decode_into(scanner.text_until_end_tag("title"), sink);
      std::string title = json_safe_text(sink.take());
      cut_utf8(title, kMaxTitleBytes);
      while (!title.empty() && title.back() == ' ') title.pop_back();
      return title;
    }
    if (is_raw_text_element(tag->name)) scanner.text_until_end_tag(tag->name);
  }
  return std::nullopt;
}

std::optional<std::string> find_icon_href(std::string_view html) {
  TagScanner scanner(html);
  // Flags rather than std::optional<std::string_view>: gcc 12 warns
  // (maybe-uninitialized) through the optional's storage.
  bool has_rel = false, has_href = false;
  std::string_view rel, href;
  // Browsers keep the first of repeated attributes.
  const auto on_attribute = [&](const Attribute& a) {
    if (!has_rel && iequals(a.name, "rel")) {
      has_rel = true;
      rel = a.value;
    }
    if (!has_href && iequals(a.name, "href")) {
      has_href = true;
      href = a.value;
    }
  };
  while (true) {
    has_rel = has_href = false;
    const auto tag = scanner.next(on_attribute);
    if (!tag) return std::nullopt;
    if (tag->closing) continue;
    if (iequals(tag->name, "link") && has_rel && has_href && has_icon_token(rel)) {
      if (href.size() > kMaxUrlBytes) return std::nullopt;
      TextSink sink(kMaxUrlBytes, /*collapse=*/false);
      decode_into(href, sink);
      return std::string(http_text::trim_html_space(sink.take()));
    }
    if (is_raw_text_element(tag->name)) scanner.text_until_end_tag(tag->name);
  }
}

}  // namespace fumidai::scanner
