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
#include "LineFuzz.h"
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
  As2OrgLineParser parser;
  fuzz_lines(std::string_view(reinterpret_cast<const char*>(data), size), parser, [](const auto& record) {
    if (const auto* org = std::get_if<As2OrgOrganization>(&record)) {
      FUZZ_CHECK(!org->org_id.empty() && clean(org->org_id) && clean(org->name) && clean(org->source));
      FUZZ_CHECK(country_ok(org->country));
      FUZZ_CHECK(!org->changed || org->changed->ok());
    } else {
      const auto& as = std::get<As2OrgAs>(record);
      FUZZ_CHECK(as.asn >= 1 && as.asn <= 4294967295);
      FUZZ_CHECK(!as.org_id.empty() && clean(as.org_id) && clean(as.name) && clean(as.source));
      FUZZ_CHECK(!as.changed || as.changed->ok());
    }
  });
  return 0;
}
