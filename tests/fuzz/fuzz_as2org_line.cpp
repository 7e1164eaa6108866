// Fuzz target: CAIDA AS-to-Organization lines (`fumidai import as2org`). The
// input's lines go through one parser, so section changes are exercised. A
// record's text must be what PostgreSQL takes (valid UTF-8, no control
// characters), its country empty or two upper-case letters, its ASN in range;
// an error must be one non-empty line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/db/As2OrgLineParser.h"
#include "fumidai/db/AttributionFields.h"

using namespace fumidai::db;

namespace {
bool clean(const std::string& text) { return static_cast<bool>(check_text(text, "x", max_name_bytes)); }
bool country_ok(const std::string& c) {
  return c.empty() || (c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z');
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  As2OrgLineParser parser;
  while (!input.empty()) {
    const std::size_t eol = input.find('\n');
    const std::string_view line = input.substr(0, eol);
    input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
    const auto parsed = parser.parse(line);
    if (!parsed) {
      FUZZ_CHECK(!parsed.error().message.empty());
      FUZZ_CHECK(parsed.error().message.find('\n') == std::string::npos);
      continue;
    }
    if (!*parsed) continue;
    if (const auto* org = std::get_if<As2OrgOrganization>(&**parsed)) {
      FUZZ_CHECK(!org->org_id.empty() && clean(org->org_id) && clean(org->name) && clean(org->source));
      FUZZ_CHECK(country_ok(org->country));
      FUZZ_CHECK(!org->changed || org->changed->ok());
    } else {
      const auto& as = std::get<As2OrgAs>(**parsed);
      FUZZ_CHECK(as.asn >= 1 && as.asn <= 4294967295);
      FUZZ_CHECK(!as.org_id.empty() && clean(as.org_id) && clean(as.name) && clean(as.source));
      FUZZ_CHECK(!as.changed || as.changed->ok());
    }
  }
  return 0;
}
