// Fuzz target: RIR delegated-extended lines (`fumidai import delegated`). A
// record's prefixes must be canonical, of one family, and (for IPv4) cover a
// contiguous range without overlap; its country two upper-case letters; an
// error one non-empty line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "LineFuzz.h"
#include "fumidai/db/DelegatedLineParser.h"

using namespace fumidai::db;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const DelegatedLineParser parser;
  fuzz_lines(std::string_view(reinterpret_cast<const char*>(data), size), parser, [](const DelegatedRow& row) {
    FUZZ_CHECK(row.country.size() == 2 && row.country[0] >= 'A' && row.country[0] <= 'Z' && row.country[1] >= 'A' &&
               row.country[1] <= 'Z');
    FUZZ_CHECK(row.status == "allocated" || row.status == "assigned");
    FUZZ_CHECK(!row.prefixes.empty() && row.prefixes.size() <= 62);
    std::uint64_t next = 0;
    for (std::size_t i = 0; i < row.prefixes.size(); ++i) {
      const IpPrefix& prefix = row.prefixes[i];
      const auto again = parse_prefix(format_prefix(prefix));
      FUZZ_CHECK(again && *again == prefix);
      FUZZ_CHECK(prefix.network.is_v4() == row.prefixes[0].network.is_v4());
      if (prefix.network.is_v4()) {
        const std::uint64_t start = prefix.network.to_v4().to_uint();
        FUZZ_CHECK(i == 0 || start == next);
        next = start + (std::uint64_t{1} << (32 - prefix.length));
        FUZZ_CHECK(next <= (std::uint64_t{1} << 32));
      }
    }
  });
  return 0;
}
