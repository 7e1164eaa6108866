// Fuzz target: what an SSH server sends first. The input is the server's byte
// stream from the first byte on.
//
// 1. SshBannerParser fed the whole input and fed it in pieces (sizes drawn
//    from the input's length) must agree exactly: on the result, the error
//    message, and every field read.
// 2. Whatever it accepts stays inside its documented limits, and its fields
//    survive json_safe_text as valid UTF-8 without NUL.
// 3. A KEXINIT it read, rebuilt with build_ssh_kex_init_packet (when the
//    names are ones the builder accepts), parses back to the same lists.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/ssh/SshBannerParser.h"
#include "fumidai/scanner/probes/ssh/SshClientHello.h"
#include "fumidai/scanner/probes/text/SafeText.h"

using namespace fumidai::scanner;

namespace {

struct Outcome {
  bool ok = true;
  SshBannerParser::Progress progress = SshBannerParser::Progress::need_more;
  std::string error;
  SshServerHello hello;
};

// Feeds `bytes` in pieces of 1..max_piece bytes from a small LCG seeded by
// `seed`; max_piece 0 feeds it whole.
Outcome run(std::span<const std::uint8_t> bytes, std::uint32_t seed, std::size_t max_piece) {
  SshBannerParser parser;
  Outcome out;
  while (true) {
    seed = seed * 1664525u + 1013904223u;
    const std::size_t piece = max_piece == 0 ? bytes.size() : std::min(bytes.size(), 1 + (seed >> 16) % max_piece);
    const auto result = parser.feed(bytes.first(piece));
    bytes = bytes.subspan(piece);
    if (!result) {
      out.ok = false;
      out.error = result.error().message;
      break;
    }
    out.progress = *result;
    if (bytes.empty()) break;
  }
  out.hello = parser.hello();
  return out;
}

void check_text(const std::string& raw) {
  const std::string text = json_safe_text(raw);
  FUZZ_CHECK(text.find('\0') == std::string::npos);
  FUZZ_CHECK(json_safe_text(text) == text);  // already valid UTF-8: unchanged
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);

  // 1. Whole and in pieces.
  const Outcome whole = run(input, 0, 0);
  for (const std::size_t max_piece : {std::size_t{1}, std::size_t{7}, std::size_t{300}}) {
    const Outcome pieces = run(input, static_cast<std::uint32_t>(size), max_piece);
    FUZZ_CHECK(pieces.ok == whole.ok);
    FUZZ_CHECK(pieces.error == whole.error);
    FUZZ_CHECK(pieces.progress == whole.progress);
    FUZZ_CHECK(pieces.hello == whole.hello);
  }

  // 2. Limits and text.
  const SshServerHello& hello = whole.hello;
  FUZZ_CHECK(hello.preamble.size() <= SshBannerParser::kMaxPreambleLines);
  FUZZ_CHECK(!whole.ok || whole.error.empty());
  FUZZ_CHECK(whole.ok || !whole.error.empty());
  for (const std::string& line : hello.preamble) check_text(line);
  check_text(hello.protocol_version);
  check_text(hello.software_version);
  check_text(hello.comments);
  check_text(whole.error);
  FUZZ_CHECK(!hello.kex_init || hello.first_message_type == 20);
  FUZZ_CHECK(!hello.disconnect || hello.first_message_type == 1);
  if (whole.ok && whole.progress == SshBannerParser::Progress::complete && hello.protocol_version == "2.0")
    FUZZ_CHECK(hello.first_message_type.has_value());
  if (!hello.kex_init) return 0;
  std::size_t names = 0;
  for (const auto* list : hello.kex_init->name_lists()) {
    names += list->size();
    for (const std::string& name : *list) {
      FUZZ_CHECK(!name.empty());
      FUZZ_CHECK(name.find(',') == std::string::npos);
    }
  }
  FUZZ_CHECK(names <= SshBannerParser::kMaxNames);

  // 3. Rebuilt and parsed again.
  const auto rebuilt = build_ssh_kex_init_packet(*hello.kex_init);
  if (!rebuilt) return 0;
  const std::string id = "SSH-2.0-x\r\n";
  std::vector<std::uint8_t> again(id.begin(), id.end());
  again.insert(again.end(), rebuilt->begin(), rebuilt->end());
  const Outcome reparsed = run(again, 0, 0);
  FUZZ_CHECK(reparsed.ok);
  FUZZ_CHECK(reparsed.progress == SshBannerParser::Progress::complete);
  FUZZ_CHECK(reparsed.hello.kex_init == hello.kex_init);
  return 0;
}
