// Fuzz target: what a Telnet server sends. The input is the server's byte
// stream from the first byte on.
//
// 1. TelnetNegotiator fed the whole input and fed it in pieces (sizes drawn
//    from the input's length) must agree exactly: on the banner, the option
//    requests, the prompt and every byte it sends back.
// 2. What it sends back is only refusals (IAC WONT x, IAC DONT x), each at
//    most once, and only for options the server asked for with DO / WILL;
//    the banner and option list stay inside their limits.
#include <algorithm>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/telnet/TelnetNegotiator.h"

using namespace fumidai::scanner;

namespace {

struct Outcome {
  std::string banner;
  bool banner_truncated = false;
  std::vector<TelnetOptionRequest> options;
  std::vector<std::uint8_t> reply;
  TelnetPrompt prompt = TelnetPrompt::none;
  bool operator==(const Outcome&) const = default;
};

// Feeds `bytes` in pieces of 1..max_piece bytes from a small LCG seeded by
// `seed`; max_piece 0 feeds it whole. The reply buffer is reused, as a
// connection loop would.
Outcome run(std::span<const std::uint8_t> bytes, std::uint32_t seed, std::size_t max_piece) {
  TelnetNegotiator telnet;
  Outcome out;
  std::vector<std::uint8_t> reply;
  while (!bytes.empty()) {
    seed = seed * 1664525u + 1013904223u;
    const std::size_t piece = max_piece == 0 ? bytes.size() : std::min(bytes.size(), 1 + (seed >> 16) % max_piece);
    telnet.feed(bytes.first(piece), reply);
    bytes = bytes.subspan(piece);
    out.reply.insert(out.reply.end(), reply.begin(), reply.end());
    reply.clear();
  }
  out.banner = telnet.banner();
  out.banner_truncated = telnet.banner_truncated();
  out.options = telnet.option_requests();
  out.prompt = telnet.prompt();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);

  // 1. Whole and in pieces.
  const Outcome whole = run(input, 0, 0);
  for (const std::size_t max_piece : {std::size_t{1}, std::size_t{5}, std::size_t{300}})
    FUZZ_CHECK(run(input, static_cast<std::uint32_t>(size), max_piece) == whole);

  // 2. Replies, limits.
  FUZZ_CHECK(whole.banner.size() <= TelnetNegotiator::kMaxBannerBytes);
  FUZZ_CHECK(whole.banner.size() <= size);
  FUZZ_CHECK(whole.options.size() <= 4 * 256);
  std::bitset<4 * 256> seen;
  for (const TelnetOptionRequest& request : whole.options) {
    FUZZ_CHECK(request.command >= TelnetNegotiator::kWill && request.command <= TelnetNegotiator::kDont);
    const std::size_t index =
        std::size_t{static_cast<std::uint8_t>(request.command - TelnetNegotiator::kWill)} * 256 + request.option;
    FUZZ_CHECK(!seen.test(index));
    seen.set(index);
  }
  FUZZ_CHECK(whole.reply.size() % 3 == 0);
  std::bitset<2 * 256> answered;
  for (std::size_t i = 0; i < whole.reply.size(); i += 3) {
    const std::uint8_t command = whole.reply[i + 1], option = whole.reply[i + 2];
    FUZZ_CHECK(whole.reply[i] == TelnetNegotiator::kIac);
    FUZZ_CHECK(command == TelnetNegotiator::kWont || command == TelnetNegotiator::kDont);
    const std::uint8_t asked = command == TelnetNegotiator::kWont ? TelnetNegotiator::kDo : TelnetNegotiator::kWill;
    FUZZ_CHECK(seen.test(std::size_t{static_cast<std::uint8_t>(asked - TelnetNegotiator::kWill)} * 256 + option));
    const std::size_t index = (command == TelnetNegotiator::kWont ? 0 : 256) + option;
    FUZZ_CHECK(!answered.test(index));
    answered.set(index);
  }
  return 0;
}
