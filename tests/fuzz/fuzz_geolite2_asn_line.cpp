// Fuzz target: MaxMind GeoLite2-ASN CSV lines (`fumidai import geolite2-asn`).
// The lines go through one parser, header first as in a real file. A row
// must hold a canonical network, an ASN in range and clean text; an error
// must be one non-empty line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/db/AttributionFields.h"
#include "fumidai/db/GeoLite2AsnLineParser.h"

using namespace fumidai::db;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  GeoLite2AsnLineParser parser;
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
    const GeoLite2AsnRow& row = **parsed;
    const auto again = parse_prefix(format_prefix(row.network));
    FUZZ_CHECK(again && *again == row.network);
    FUZZ_CHECK(row.asn >= 1 && row.asn <= 4294967295);
    FUZZ_CHECK(check_text(row.organization, "x", max_name_bytes));
  }
  return 0;
}
