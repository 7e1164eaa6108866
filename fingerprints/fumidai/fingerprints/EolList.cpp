#include "fumidai/fingerprints/EolList.h"

#include <fmt/format.h>

#include <algorithm>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/fingerprints/YamlReader.h"

namespace fumidai::embedded {
extern const std::string_view fingerprint_eol_yaml;
}

namespace fumidai::fingerprints {

namespace {

bool digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YYYY, YYYY-MM or YYYY-MM-DD (months 01..12, days 01..31), or "announced".
bool valid_date(std::string_view date) {
  if (date == "announced") return true;
  if (date.size() != 4 && date.size() != 7 && date.size() != 10) return false;
  if (!digits(date.substr(0, 4))) return false;
  if (date.size() >= 7) {
    if (date[4] != '-' || !digits(date.substr(5, 2))) return false;
    const int month = (date[5] - '0') * 10 + (date[6] - '0');
    if (month < 1 || month > 12) return false;
  }
  if (date.size() == 10) {
    if (date[7] != '-' || !digits(date.substr(8, 2))) return false;
    const int day = (date[8] - '0') * 10 + (date[9] - '0');
    if (day < 1 || day > 31) return false;
  }
  return true;
}

Result<EolList::Entry> parse_entry(const YamlReader& reader, const YAML::Node& node) {
  const std::string what = "eol entry";
  if (auto ok = reader.check_mapping(node, {"vendor", "product", "product_regex", "date", "source"}, what); !ok) {
    return ok.error();
  }
  EolList::Entry entry;
  entry.line = YamlReader::line(node, node);
  auto vendor = reader.scalar(node, "vendor", what);
  if (!vendor) return vendor.error();
  if (!*vendor) return reader.error(node, "eol entry: missing 'vendor'");
  entry.vendor = ascii_lower(**vendor);
  auto product = reader.scalar(node, "product", what);
  if (!product) return product.error();
  auto regex = reader.scalar(node, "product_regex", what);
  if (!regex) return regex.error();
  if (product->has_value() == regex->has_value()) {
    return reader.error(node, "eol entry: give one of 'product' and 'product_regex'");
  }
  if (*product) entry.product = ascii_lower(**product);
  if (*regex) {
    auto pattern = Pattern::compile(**regex, PatternOptions{.caseless = true});
    if (!pattern) {
      return reader.error(node["product_regex"],
                          fmt::format("eol entry: product_regex '{}': {}", **regex, pattern.error().message));
    }
    entry.product_regex = std::move(*pattern);
  }
  auto date = reader.scalar(node, "date", what);
  if (!date) return date.error();
  if (!*date) return reader.error(node, "eol entry: missing 'date'");
  if (!valid_date(**date)) {
    return reader.error(node["date"],
                        fmt::format("eol entry: bad date '{}' (YYYY, YYYY-MM, YYYY-MM-DD or announced)", **date));
  }
  entry.date = **date;
  auto source = reader.scalar(node, "source", what);
  if (!source) return source.error();
  if (!*source) return reader.error(node, "eol entry: missing 'source' (where the end of life is stated)");
  if (!source->value().starts_with("https://") && !source->value().starts_with("http://")) {
    return reader.error(node["source"], fmt::format("eol entry: source '{}' is not an http(s) URL", **source));
  }
  entry.source = **source;
  return entry;
}

}  // namespace

Result<EolList> EolList::load(std::string_view text, std::string_view name) {
  const YamlReader reader(name);
  try {
    auto document = reader.parse(text);
    if (!document) return document.error();
    const YAML::Node& root = *document;
    if (auto ok = reader.check_mapping(root, {"eol"}, "EOL file"); !ok) return ok.error();
    const YAML::Node list = root["eol"];
    if (!list) return reader.error(root, "the EOL file is a mapping with one key, 'eol'");
    if (list.IsNull()) return EolList({});  // "eol:" with nothing listed yet
    if (!list.IsSequence()) return reader.error(YamlReader::line(list, root), "'eol' must be a list of entries");
    if (list.size() > kMaxEntries)
      return reader.error(list, fmt::format("{} entries; at most {}", list.size(), kMaxEntries));
    std::vector<Entry> entries;
    for (const auto& node : list) {
      auto entry = parse_entry(reader, node);
      if (!entry) return entry.error();
      entries.push_back(std::move(*entry));
    }
    return EolList(std::move(entries));
  } catch (const YAML::Exception& e) {
    return make_input_error(fmt::format("{}:{}: YAML: {}", name, e.mark.line + 1, e.msg));
  }
}

Result<EolList> EolList::load_embedded() { return load(embedded::fingerprint_eol_yaml, "fingerprints/eol.yaml"); }

void EolList::annotate(Fingerprint& fingerprint, MatchScratch& scratch) const {
  if (fingerprint.vendor.empty() || fingerprint.product.empty()) return;
  for (const Entry& entry : entries_) {
    if (!equals_lower(fingerprint.vendor, entry.vendor)) continue;
    const bool product = entry.product_regex
                             ? entry.product_regex->match(fingerprint.product, scratch) == MatchOutcome::matched
                             : equals_lower(fingerprint.product, entry.product);
    if (!product) continue;
    fingerprint.eol_date = entry.date;
    fingerprint.eol_source = entry.source;
    return;
  }
}

}  // namespace fumidai::fingerprints
