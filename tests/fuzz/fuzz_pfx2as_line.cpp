// Fuzz target: CAIDA pfx2as lines (`fumidai import pfx2as`), from files
// downloaded off the internet. Each line of the input is parsed; a row must
// hold a canonical prefix that parses back to itself and 1-64 distinct ASNs in
// range, and an error must be one non-empty line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "LineFuzz.h"
#include "fumidai/db/Pfx2asLineParser.h"

using namespace fumidai::db;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Pfx2asLineParser parser;
  fuzz_lines(std::string_view(reinterpret_cast<const char*>(data), size), parser, [](const Pfx2asRow& row) {
    const auto again = parse_prefix(format_prefix(row.prefix));
    FUZZ_CHECK(again && *again == row.prefix);
    FUZZ_CHECK(!row.asns.empty() && row.asns.size() <= Pfx2asLineParser::max_origins);
    for (std::size_t i = 0; i < row.asns.size(); ++i) {
      FUZZ_CHECK(row.asns[i] >= 1 && row.asns[i] <= 4294967295);
      FUZZ_CHECK(std::count(row.asns.begin(), row.asns.end(), row.asns[i]) == 1);
    }
  });
  return 0;
}
