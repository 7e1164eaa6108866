// Fuzz target: `fumidai grab`'s input lines (stage-1 JSONL or IP:PORT forms),
// which may come from any file a user pipes in. Each line of the input is
// parsed; a target it yields must print back as "a.b.c.d:port/transport" and
// parse to itself again, and an error must be one line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/scanner/grab/TargetLineParser.h"
#include "fumidai/scanner/target/Ipv4.h"
#include "fumidai/scanner/target/Transport.h"

using namespace fumidai::scanner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const std::size_t eol = input.find('\n');
    const std::string_view line = input.substr(0, eol);
    input.remove_prefix(eol == std::string_view::npos ? input.size() : eol + 1);
    const auto parsed = parse_target_line(line);
    if (!parsed) {
      FUZZ_CHECK(!parsed.error().message.empty());
      FUZZ_CHECK(parsed.error().message.find('\n') == std::string::npos);
      continue;
    }
    if (!*parsed) continue;
    const GrabTarget target = **parsed;
    FUZZ_CHECK(target.port != 0);
    const std::string again = format_ipv4(target.ip) + ":" + std::to_string(target.port) + "/" +
                              std::string(transport_name(target.transport));
    const auto reparsed = parse_target_line(again);
    FUZZ_CHECK(reparsed && *reparsed && **reparsed == target);
  }
  return 0;
}
