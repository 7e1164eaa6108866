// Fuzz target: abuse-contact CSV lines (`fumidai import abuse`). The lines go
// through one parser, header first. A row must name exactly one of a
// canonical prefix and an ASN in range, an address that passes the email
// check (so no CR or LF reaches a report header), and clean text; an error
// must be one non-empty line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "LineFuzz.h"
#include "fumidai/db/AbuseLineParser.h"
#include "fumidai/db/AttributionFields.h"

using namespace fumidai::db;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  AbuseLineParser parser;
  fuzz_lines(std::string_view(reinterpret_cast<const char*>(data), size), parser, [](const AbuseRow& row) {
    FUZZ_CHECK(row.prefix.has_value() != row.asn.has_value());
    if (row.prefix) {
      const auto again = parse_prefix(format_prefix(*row.prefix));
      FUZZ_CHECK(again && *again == *row.prefix);
    } else {
      FUZZ_CHECK(*row.asn >= 1 && *row.asn <= 4294967295);
    }
    FUZZ_CHECK(check_email(row.email));
    FUZZ_CHECK(row.email.find_first_of("\r\n") == std::string::npos);
    FUZZ_CHECK(!row.source.empty() && check_text(row.source, "x", AbuseLineParser::max_source_bytes));
    FUZZ_CHECK(!row.updated || row.updated->ok());
  });
  return 0;
}
