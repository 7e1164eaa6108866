// Fuzz target: MaxMind GeoLite2-ASN CSV lines (`fumidai import geolite2-asn`).
// The lines go through one parser, header first as in a real file. A row
// must hold a canonical network, an ASN in range and clean text; an error
// must be one non-empty line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "LineFuzz.h"
#include "fumidai/db/AttributionFields.h"
#include "fumidai/db/GeoLite2AsnLineParser.h"

using namespace fumidai::db;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  GeoLite2AsnLineParser parser;
  fuzz_lines(std::string_view(reinterpret_cast<const char*>(data), size), parser, [](const GeoLite2AsnRow& row) {
    const auto again = parse_prefix(format_prefix(row.network));
    FUZZ_CHECK(again && *again == row.network);
    FUZZ_CHECK(row.asn >= 1 && row.asn <= 4294967295);
    FUZZ_CHECK(check_text(row.organization, "x", max_name_bytes));
  });
  return 0;
}
