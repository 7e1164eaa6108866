#include "fumidai/scanner/probes/upnp/XmlPullParser.h"

#include <charconv>
#include <cstdint>

#include "fumidai/scanner/probes/http/AsciiText.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

// XML's whitespace (XML 1.0, 2.3, S).
bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool ends_name(char c) {
  return is_xml_space(c) || c == '/' || c == '>' || c == '=' || c == '<' || c == '"' || c == '\'';
}

std::string_view local_part(std::string_view name) {
  const std::size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// "#65" / "#x41" → the code point, if it is one XML allows in text.
std::optional<std::uint32_t> character_reference(std::string_view ref) {
  if (ref.size() < 2 || ref[0] != '#') return std::nullopt;
  int base = 10;
  ref.remove_prefix(1);
  if (ref[0] == 'x') {
    base = 16;
    ref.remove_prefix(1);
  }
  std::uint32_t cp = 0;
  const auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), cp, base);
  if (ref.empty() || ec != std::errc() || end != ref.data() + ref.size()) return std::nullopt;
  const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                       (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
  if (!allowed) return std::nullopt;
  return cp;
}

// The longest reference worth looking for: "&#x10FFFF;" and "&quot;" fit.
constexpr std::size_t kMaxReferenceBytes = 10;

// Character data with the predefined entities and character references
// decoded; any other '&' is kept as written. Attribute values also read each
// literal whitespace character as a space (references stay as they decode).
void decode_into(std::string_view raw, std::string& out, bool attribute_value = false) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += attribute_value && is_xml_space(raw[i]) ? ' ' : raw[i];
      continue;
    }
    const std::size_t semicolon = raw.substr(i, kMaxReferenceBytes + 1).find(';');
    const std::string_view ref = semicolon == std::string_view::npos ? "" : raw.substr(i + 1, semicolon - 1);
    std::optional<char> predefined;
    if (ref == "lt")
      predefined = '<';
    else if (ref == "gt")
      predefined = '>';
    else if (ref == "amp")
      predefined = '&';
    else if (ref == "apos")
      predefined = '\'';
    else if (ref == "quot")
      predefined = '"';
    if (predefined) {
      out += *predefined;
    } else if (const auto cp = character_reference(ref)) {
      append_utf8(*cp, out);
    } else {
      out += '&';  // not a reference we decode: kept as written
      continue;
    }
    i += semicolon;
  }
}

}  // namespace

XmlPullParser::XmlPullParser(std::string_view document, XmlLimits limits) : doc_(document), limits_(limits) {
  if (doc_.starts_with("\xEF\xBB\xBF")) pos_ = 3;  // UTF-8 byte order mark
}

Error XmlPullParser::fail(std::string message) {
  error_ = make_error("xml: " + std::move(message));
  return *error_;
}

bool XmlPullParser::skip_space() {
  const std::size_t start = pos_;
  while (pos_ < doc_.size() && is_xml_space(doc_[pos_])) ++pos_;
  return pos_ != start;
}

Result<void> XmlPullParser::skip_past(std::string_view terminator, std::string_view what) {
  const std::size_t end = doc_.find(terminator, pos_);
  if (end == std::string_view::npos) return fail("unterminated " + std::string(what));
  if (end - pos_ > limits_.max_skipped_bytes)
    return fail(std::string(what) + " longer than " + std::to_string(limits_.max_skipped_bytes) + " bytes");
  pos_ = end + terminator.size();
  return {};
}

Result<void> XmlPullParser::read_character_data() {
  const std::size_t lt = std::min(doc_.find('<', pos_), doc_.size());
  const std::string_view raw = doc_.substr(pos_, lt - pos_);
  pos_ = lt;
  if (open_.empty()) {
    for (const char c : raw)
      if (!is_xml_space(c)) return fail((root_seen_ ? "text after" : "text before") + std::string(" the root element"));
    return {};
  }
  decode_into(raw, text_);
  if (text_.size() > limits_.max_text_bytes)
    return fail("text longer than " + std::to_string(limits_.max_text_bytes) + " bytes");
  return {};
}

Result<std::string_view> XmlPullParser::read_name(std::string_view what) {
  const std::size_t start = pos_;
  while (pos_ < doc_.size() && !ends_name(doc_[pos_])) ++pos_;
  const std::string_view name = doc_.substr(start, pos_ - start);
  if (name.empty()) return fail("expected " + std::string(what) + " name at byte " + std::to_string(start));
  if (name.size() > limits_.max_name_bytes)
    return fail(std::string(what) + " name longer than " + std::to_string(limits_.max_name_bytes) + " bytes");
  return name;
}

Result<void> XmlPullParser::read_attributes(bool& self_closing) {
  for (std::size_t count = 0;; ++count) {
    const bool spaced = skip_space();
    if (at("/>")) {
      pos_ += 2;
      self_closing = true;
      return {};
    }
    if (at(">")) {
      ++pos_;
      return {};
    }
    if (pos_ >= doc_.size()) return fail("unterminated tag <" + quote_bytes(open_.back()) + ">");
    if (!spaced) return fail("malformed tag at byte " + std::to_string(pos_));
    if (count == limits_.max_attributes)
      return fail("more than " + std::to_string(limits_.max_attributes) + " attributes on one element");
    auto name = read_name("attribute");
    if (!name) return name.error();
    if (attribute(*name) != nullptr) return fail("attribute " + quote_bytes(*name) + " given twice");
    skip_space();
    if (!at("=")) return fail("attribute without a value at byte " + std::to_string(pos_));
    ++pos_;
    skip_space();
    const char quote = pos_ < doc_.size() ? doc_[pos_] : '\0';
    if (quote != '"' && quote != '\'') return fail("unquoted attribute value at byte " + std::to_string(pos_));
    const std::size_t end = doc_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) return fail("unterminated attribute value");
    const std::string_view value = doc_.substr(pos_ + 1, end - pos_ - 1);
    if (value.size() > limits_.max_text_bytes)
      return fail("attribute value longer than " + std::to_string(limits_.max_text_bytes) + " bytes");
    if (value.find('<') != std::string_view::npos) return fail("'<' in an attribute value");
    XmlAttribute& decoded = attributes_.emplace_back();
    decoded.name = *name;
    decode_into(value, decoded.value, true);
    pos_ = end + 1;
  }
}

Result<XmlPullParser::Event> XmlPullParser::read_start_tag() {
  ++pos_;  // '<'
  auto name = read_name("element");
  if (!name) return name.error();
  if (local_part(*name).empty()) return fail("element name " + quote_bytes(*name) + " has no local part");
  if (open_.size() == limits_.max_depth)
    return fail("elements nested deeper than " + std::to_string(limits_.max_depth));
  if (++elements_ > limits_.max_elements)
    return fail("more than " + std::to_string(limits_.max_elements) + " elements");
  open_.push_back(*name);
  root_seen_ = true;
  attributes_.clear();
  bool self_closing = false;
  if (auto attributes = read_attributes(self_closing); !attributes) return attributes.error();
  local_name_ = local_part(*name);
  pending_end_ = self_closing;
  return Event::start_element;
}

Result<XmlPullParser::Event> XmlPullParser::read_end_tag() {
  pos_ += 2;  // "</"
  auto name = read_name("end tag");
  if (!name) return name.error();
  skip_space();
  if (!at(">")) return fail("malformed end tag </" + quote_bytes(*name) + ">");
  ++pos_;
  if (open_.empty() || *name != open_.back())
    return fail("end tag </" + quote_bytes(*name) + "> does not close <" +
                (open_.empty() ? std::string("nothing") : quote_bytes(open_.back())) + ">");
  open_.pop_back();
  local_name_ = local_part(*name);
  done_ = open_.empty();
  return Event::end_element;
}

const std::string* XmlPullParser::attribute(std::string_view name) const {
  for (const XmlAttribute& a : attributes_)
    if (a.name == name) return &a.value;
  return nullptr;
}

Result<XmlPullParser::Event> XmlPullParser::next() {
  if (error_) return *error_;
  if (pending_end_) {
    pending_end_ = false;
    open_.pop_back();
    done_ = open_.empty();
    return Event::end_element;  // local_name_ is still the start tag's
  }
  if (done_) return Event::end_document;
  text_.clear();
  while (true) {
    if (pos_ >= doc_.size()) {
      if (!root_seen_) return fail("no root element");
      return fail("the document ends inside <" + quote_bytes(open_.back()) + ">");
    }
    if (doc_[pos_] != '<') {
      if (auto read = read_character_data(); !read) return read.error();
      continue;
    }
    if (at("<?")) {
      if (auto skipped = skip_past("?>", "processing instruction"); !skipped) return skipped.error();
      continue;
    }
    if (at("<!--")) {
      if (auto skipped = skip_past("-->", "comment"); !skipped) return skipped.error();
      continue;
    }
    if (at("<![CDATA[")) {
      if (open_.empty()) return fail("CDATA outside the root element");
      pos_ += 9;
      const std::size_t end = doc_.find("]]>", pos_);
      if (end == std::string_view::npos) return fail("unterminated CDATA section");
      text_.append(doc_.substr(pos_, end - pos_));
      pos_ = end + 3;
      if (text_.size() > limits_.max_text_bytes)
        return fail("text longer than " + std::to_string(limits_.max_text_bytes) + " bytes");
      continue;
    }
    if (at("<!")) {
      // A DOCTYPE is where entities are declared; refusing it refuses every
      // expansion (billion laughs) and every external fetch (XXE).
      const std::string_view markup = doc_.substr(pos_ + 2, 7);
      if (http_text::iequals(markup, "DOCTYPE")) return fail("DOCTYPE not allowed");
      if (markup.starts_with("ENTITY")) return fail("ENTITY not allowed");
      return fail("unexpected markup " + quote_bytes(doc_.substr(pos_, 12)));
    }
    if (!text_.empty()) return Event::text;  // the tag comes next time
    if (at("</")) return read_end_tag();
    return read_start_tag();
  }
}

}  // namespace fumidai::scanner
