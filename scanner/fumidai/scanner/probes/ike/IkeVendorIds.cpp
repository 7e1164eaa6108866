#include "fumidai/scanner/probes/ike/IkeVendorIds.h"

#include <fmt/format.h>

#include <cassert>
#include <unordered_set>

#include "fumidai/core/Trim.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::embedded {
extern const std::string_view default_ike_vendor_ids_conf;
}

namespace fumidai::scanner {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<IkeVendorIds> IkeVendorIds::parse(std::string_view text, std::string_view source) {
  IkeVendorIds ids;
  std::unordered_set<std::string> seen;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    line = trim_blanks(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const auto bad = [&](std::string_view why) {
      return make_input_error(fmt::format("{}:{}: {}: {}", source, line_number, why, quote_bytes(line)));
    };
    const std::size_t gap = line.find_first_of(" \t");
    if (gap == std::string_view::npos) return bad("expected \"HEXPREFIX name\"");
    const std::string_view hex = line.substr(0, gap);
    const std::string_view name = trim_blanks(line.substr(gap));
    if (hex.size() % 2 != 0 || hex.size() / 2 > kMaxPrefixBytes)
      return bad(fmt::format("the prefix must be 1 to {} bytes in pairs of hex digits", kMaxPrefixBytes));
    if (name.size() > kMaxNameBytes) return bad(fmt::format("a name over {} bytes", kMaxNameBytes));
    Entry entry;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
      const int high = hex_digit(hex[i]);
      const int low = hex_digit(hex[i + 1]);
      if (high < 0 || low < 0) return bad("the prefix is not hex");
      entry.prefix.push_back(static_cast<char>(high * 16 + low));
    }
    if (!seen.insert(entry.prefix).second) return bad("this prefix is listed twice");
    if (ids.entries_.size() == kMaxEntries) return bad(fmt::format("more than {} entries", kMaxEntries));
    entry.name = std::string(name);
    ids.entries_.push_back(std::move(entry));
  }
  return ids;
}

const IkeVendorIds& IkeVendorIds::built_in() {
  static const IkeVendorIds ids = [] {
    auto parsed = parse(embedded::default_ike_vendor_ids_conf, "built-in IKE vendor IDs");
    assert(parsed);  // the unit tests parse the same text
    return parsed ? std::move(*parsed) : IkeVendorIds();
  }();
  return ids;
}

std::string_view IkeVendorIds::name(std::string_view vendor_id) const {
  const Entry* best = nullptr;
  for (const Entry& e : entries_)
    if (vendor_id.starts_with(e.prefix) && (best == nullptr || e.prefix.size() > best->prefix.size())) best = &e;
  return best == nullptr ? std::string_view() : std::string_view(best->name);
}

}  // namespace fumidai::scanner
