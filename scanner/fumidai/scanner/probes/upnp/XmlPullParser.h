#pragma once
// XmlPullParser: a small pull parser for the XML that devices serve (UPnP
// descriptions), written for untrusted input rather than for conformance.
//
// Safe by construction: a DOCTYPE (and so every entity declaration, internal
// or external) is an error, so nothing is ever expanded or fetched: a
// billion-laughs or XXE document fails on its first declaration. Only the
// five predefined entities and character references are decoded; any other
// '&' is kept as written (devices put "AT&T" in names). Every size is
// bounded by XmlLimits, and work is linear in the document's size.
//
// Accepted: an optional BOM, XML declaration, processing instructions and
// comments (skipped), one root element with nested elements, attributes
// (decoded; a name given twice is an error), character data and CDATA
// sections (merged into one
// text event per run between tags). Element names are matched by their
// local part (after the last ':'), so namespace prefixes do not matter; end
// tags must match their start tag exactly. Parsing stops when the root
// element closes: trailing bytes are not read.
//
// One parser per document, used from one thread at a time; the document
// must outlive it. Nothing throws on input: next() returns an Error, and
// after one it keeps returning it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

struct XmlAttribute {
  std::string_view name;  // qualified, as written; points into the document
  std::string value;      // references decoded; literal tab, CR and LF read as spaces (XML 1.0, 3.3.3)
};

struct XmlLimits {
  std::size_t max_depth = 32;            // elements open at once
  std::size_t max_elements = 4096;       // in the document
  std::size_t max_name_bytes = 256;      // an element or attribute name, prefix included
  std::size_t max_attributes = 64;       // on one element
  std::size_t max_text_bytes = 4096;     // one text run once decoded, and one attribute value
  std::size_t max_skipped_bytes = 8192;  // one comment or processing instruction
};

class XmlPullParser {
 public:
  enum class Event { start_element, end_element, text, end_document };

  explicit XmlPullParser(std::string_view document, XmlLimits limits = {});

  Result<Event> next();

  // After start_element / end_element: the element's local name.
  std::string_view local_name() const { return local_name_; }
  // After text: the decoded characters (whitespace kept).
  const std::string& text() const { return text_; }
  // Elements open after the event (a start_element counts its own).
  std::size_t depth() const { return open_.size(); }
  // After start_element: its attributes in document order.
  const std::vector<XmlAttribute>& attributes() const { return attributes_; }
  // After start_element: the value of the attribute with this qualified name.
  const std::string* attribute(std::string_view name) const;
  // Bytes of the document consumed so far, for positions in messages.
  std::size_t offset() const { return pos_; }

 private:
  Error fail(std::string message);  // the parser's error from now on
  Result<void> skip_past(std::string_view terminator, std::string_view what);
  Result<void> read_character_data();
  Result<Event> read_start_tag();
  Result<Event> read_end_tag();
  Result<std::string_view> read_name(std::string_view what);
  Result<void> read_attributes(bool& self_closing);
  bool skip_space();  // whether there was any
  bool at(std::string_view s) const { return doc_.substr(pos_).starts_with(s); }

  std::string_view doc_;
  XmlLimits limits_;
  std::size_t pos_ = 0;
  std::vector<std::string_view> open_;  // qualified names of the open elements
  std::size_t elements_ = 0;
  bool root_seen_ = false;
  bool pending_end_ = false;  // a self-closing tag's end event is due
  bool done_ = false;
  std::string text_;  // the run being collected, then the text event's
  std::string_view local_name_;
  std::vector<XmlAttribute> attributes_;
  std::optional<Error> error_;
};

}  // namespace fumidai::scanner
