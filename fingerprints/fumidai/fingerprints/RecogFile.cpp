#include "fumidai/fingerprints/RecogFile.h"

#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "fumidai/scanner/probes/text/SafeText.h"
#include "fumidai/scanner/probes/upnp/XmlPullParser.h"

namespace fumidai::fingerprints {

namespace {

using scanner::XmlPullParser;
using Event = XmlPullParser::Event;

// Recog's files are flat (four levels) but long: up to ~40k elements and
// kilobytes of example text or comment.
scanner::XmlLimits recog_limits() {
  scanner::XmlLimits limits;
  limits.max_depth = 16;
  limits.max_elements = 4'000'000;
  limits.max_attributes = 64;
  limits.max_text_bytes = 1024 * 1024;
  limits.max_skipped_bytes = 1024 * 1024;
  return limits;
}

// The line of a byte offset; offsets are asked for in increasing order.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  int at(std::size_t offset) {
    for (; counted_ < offset && counted_ < text_.size(); ++counted_)
      if (text_[counted_] == '\n') ++line_;
    return line_;
  }

 private:
  std::string_view text_;
  std::size_t counted_ = 0;
  int line_ = 1;
};

// As Ruby's unpack("m"), which Recog uses: characters outside the alphabet
// (line breaks) are skipped and '=' ends the data.
std::string decode_base64(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (const char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '+') v = 62;
    if (c == '/') v = 63;
    if (c == '=') break;
    if (v < 0) continue;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    if (++count == 4) {
      out += static_cast<char>(bits >> 16);
      out += static_cast<char>((bits >> 8) & 0xFF);
      out += static_cast<char>(bits & 0xFF);
      bits = 0;
      count = 0;
    }
  }
  if (count == 2) out += static_cast<char>(bits >> 4);
  if (count == 3) {
    out += static_cast<char>(bits >> 10);
    out += static_cast<char>((bits >> 2) & 0xFF);
  }
  return out;
}

// Ruby's gsub(/\s+/, ' ').strip, as Recog reads a description.
std::string squeeze_space(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::string_view RecogFile::stem() const {
  std::string_view stem = name_;
  if (stem.ends_with(".xml")) stem.remove_suffix(4);
  return stem;
}

Result<RecogFile> RecogFile::parse(std::string_view name, std::string_view xml) {
  if (xml.size() > kMaxFileBytes) return make_input_error(fmt::format("{}: larger than {} bytes", name, kMaxFileBytes));
  RecogFile file;
  file.name_ = std::string(name);
  XmlPullParser parser(xml, recog_limits());
  LineCounter lines(xml);
  auto fail = [&](std::string_view message) {
    return make_input_error(fmt::format("{}:{}: {}", name, lines.at(parser.offset()), message));
  };

  auto first = parser.next();
  if (!first) return fail(first.error().message);
  if (*first != Event::start_element || parser.local_name() != "fingerprints")
    return fail("the root element is not <fingerprints>");
  auto root_attribute = [&](std::string_view key) {
    const std::string* value = parser.attribute(key);
    return value != nullptr ? *value : std::string();
  };
  file.match_key_ = parser.attribute("matches") != nullptr ? root_attribute("matches") : std::string(file.stem());
  file.protocol_ = lower(root_attribute("protocol"));
  file.database_type_ = root_attribute("database_type");
  file.preference_ = root_attribute("preference");

  std::optional<RecogFingerprint::Spec> spec;
  int spec_line = 0;
  bool in_description = false;
  RecogExample* example = nullptr;
  std::string encoding;       // the open example's _encoding
  std::size_t skip_from = 0;  // while non-zero: inside an element Recog ignores, opened at this depth
  auto fingerprint_fail = [&](std::string_view message) {
    const std::size_t number = file.fingerprints_.size() + 1;
    return make_input_error(spec && !spec->description.empty()
                                ? fmt::format("{}:{}: fingerprint {} ({}): {}", name, spec_line, number,
                                              scanner::quote_bytes(spec->description, 64), message)
                                : fmt::format("{}:{}: fingerprint {}: {}", name, spec_line, number, message));
  };

  while (true) {
    auto event = parser.next();
    if (!event) return fail(event.error().message);
    if (*event == Event::end_document) break;
    const std::size_t depth = parser.depth();
    if (skip_from != 0) {
      if (*event == Event::end_element && depth < skip_from) skip_from = 0;
      continue;
    }
    if (*event == Event::text) {
      if (in_description) spec->description += parser.text();
      if (example != nullptr) example->text += parser.text();
      continue;
    }
    const std::string_view element = parser.local_name();
    if (*event == Event::start_element) {
      if (depth == 2 && element == "fingerprint") {
        spec.emplace();
        spec_line = lines.at(parser.offset());
        const std::string* pattern = parser.attribute("pattern");
        if (pattern == nullptr) return fingerprint_fail("no pattern attribute");
        spec->pattern = *pattern;
        if (const std::string* flags = parser.attribute("flags")) spec->flags = *flags;
        if (const std::string* certainty = parser.attribute("certainty")) spec->certainty = *certainty;
      } else if (depth == 3 && spec && element == "description") {
        in_description = true;
      } else if (depth == 3 && spec && element == "example") {
        example = &spec->examples.emplace_back();
        encoding.clear();
        for (const auto& attribute : parser.attributes()) {
          if (attribute.name == "_encoding")
            encoding = attribute.value;
          else if (attribute.name == "_filename")
            example->external_file = attribute.value;
          else
            example->expected.emplace_back(std::string(attribute.name), attribute.value);
        }
        if (!encoding.empty() && encoding != "base64")
          return fingerprint_fail(fmt::format("example with unknown _encoding {}", scanner::quote_bytes(encoding)));
      } else if (depth == 3 && spec && element == "param") {
        RecogParam& param = spec->params.emplace_back();
        const std::string* pos = parser.attribute("pos");
        const std::string* param_name = parser.attribute("name");
        if (pos == nullptr || param_name == nullptr || param_name->empty())
          return fingerprint_fail("a param needs pos and name");
        const auto [end, ec] = std::from_chars(pos->data(), pos->data() + pos->size(), param.position);
        if (ec != std::errc() || end != pos->data() + pos->size() || param.position < 0)
          return fingerprint_fail(fmt::format("param {} has pos {}", *param_name, scanner::quote_bytes(*pos)));
        param.name = *param_name;
        if (const std::string* value = parser.attribute("value")) param.value = *value;
      } else {
        skip_from = depth;
      }
      continue;
    }
    // end_element
    if (depth == 2 && in_description) {
      in_description = false;
      spec->description = squeeze_space(spec->description);
    } else if (depth == 2 && example != nullptr) {
      if (encoding == "base64") example->text = decode_base64(example->text);
      example = nullptr;
    } else if (depth == 1 && spec) {
      auto fingerprint = RecogFingerprint::compile(*spec);
      if (!fingerprint) return fingerprint_fail(fingerprint.error().message);
      file.fingerprints_.push_back(std::move(*fingerprint));
      spec.reset();
    }
  }
  return file;
}

MatchOutcome RecogFile::recog_result(std::size_t index, std::string_view subject, MatchScratch& scratch,
                                     RecogFingerprint::Values& values) const {
  const RecogFingerprint& fingerprint = fingerprints_.at(index);
  const MatchOutcome outcome = fingerprint.match(subject, scratch, &values);
  if (outcome != MatchOutcome::matched) return outcome;
  auto set_unless_present = [&values](std::string_view key, const std::string& value) {
    for (auto& [k, v] : values) {
      if (k != key) continue;
      if (!v) v = value;  // Ruby: `unless result[key]` also replaces nil
      return;
    }
    values.emplace_back(std::string(key), value);
  };
  if (!protocol_.empty()) set_unless_present("service.protocol", protocol_);
  values.emplace_back("fingerprint_db", match_key_);
  values.emplace_back("matched", fingerprint.description());
  return outcome;
}

}  // namespace fumidai::fingerprints
