// Fuzz target: what a PPTP server sends after our Start-Control-Connection-
// Request, from its first byte; the probe reads at most kMaxMessageBytes.
//
// 1. Read as the probe does (parse what arrived after each read, stop at the
//    first verdict, judge a still incomplete message as truncated at the
//    end), whole and in pieces of random sizes: the same reply every time.
// 2. Each reply is within bounds, a complete one is a proper Reply, and its
//    description is safe text.
#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/pptp/PptpControl.h"

using namespace fumidai::scanner;

namespace {

// Feeds `bytes` in pieces of 1..max_piece bytes from a small LCG seeded by
// `seed`; max_piece 0 feeds it whole.
pptp::StartReply run(std::span<const std::uint8_t> bytes, std::uint32_t seed, std::size_t max_piece) {
  std::vector<std::uint8_t> received;
  pptp::StartReply reply;
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    seed = seed * 1664525u + 1013904223u;
    const std::size_t left = bytes.size() - offset;
    const std::size_t piece = max_piece == 0 ? left : std::min(left, 1 + (seed >> 16) % max_piece);
    received.insert(received.end(), bytes.begin() + offset, bytes.begin() + offset + piece);
    offset += piece;
    reply = pptp::parse_start_reply(received, false);
    if (reply.state != pptp::ParseState::incomplete) return reply;
  }
  return received.empty() ? reply : pptp::parse_start_reply(received, true);
}

void check_text(const boost::json::value& v) {
  if (v.is_string()) FUZZ_CHECK(v.as_string().find('\0') == boost::json::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, std::min(size, pptp::kMaxMessageBytes));

  // 1. Whole and in pieces.
  const pptp::StartReply whole = run(input, 0, 0);
  for (const std::size_t max_piece : {std::size_t{1}, std::size_t{7}, std::size_t{100}})
    FUZZ_CHECK(run(input, static_cast<std::uint32_t>(size), max_piece) == whole);

  // 2. Bounds and meaning.
  FUZZ_CHECK(whole.bytes <= input.size());
  FUZZ_CHECK(whole.host_name.size() <= 64 && whole.vendor.size() <= 64);
  FUZZ_CHECK((whole.state == pptp::ParseState::invalid) == !whole.error.empty());
  FUZZ_CHECK(input.empty() || whole.state != pptp::ParseState::incomplete);
  if (whole.state == pptp::ParseState::complete) {
    FUZZ_CHECK(whole.length == pptp::kStartMessageBytes && whole.bytes == pptp::kStartMessageBytes);
    FUZZ_CHECK(whole.message_type == pptp::kControlMessage && whole.magic_cookie == pptp::kMagicCookie);
    FUZZ_CHECK(whole.control_type == pptp::kStartControlConnectionReply);
  }
  const boost::json::object data_out = pptp::describe(whole);
  for (const auto& field : data_out) check_text(field.value());
  (void)boost::json::serialize(data_out);
  return 0;
}
