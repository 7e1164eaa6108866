// Fuzz target: what an SMTP relay sends. The input is the relay's byte
// stream, read as a sequence of replies (reset() after each one), as
// SmtpClient reads a session.
//
// 1. SmtpReplyParser fed the whole input and fed it in pieces (sizes drawn
//    from the input's length) must agree exactly on every reply, on the bytes
//    each consumed and on the error that ends the stream, if any.
// 2. Every complete reply is within the limits, has a code 200..559, ends at
//    a line feed, and its text() is printable ASCII.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "FuzzCheck.h"
#include "fumidai/mail/SmtpReply.h"

using namespace fumidai::mail;

namespace {

struct Outcome {
  std::vector<SmtpReply> replies;
  std::vector<std::size_t> ends;  // offset one past each complete reply
  std::string error;
  bool operator==(const Outcome&) const = default;
};

// Feeds `bytes` in pieces of 1..max_piece bytes from a small LCG seeded by
// `seed`; max_piece 0 feeds it whole.
Outcome run(std::span<const std::uint8_t> bytes, std::uint32_t seed, std::size_t max_piece) {
  SmtpReplyParser parser;
  Outcome out;
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    seed = seed * 1664525u + 1013904223u;
    const std::size_t left = bytes.size() - offset;
    const std::size_t piece = max_piece == 0 ? left : std::min(left, 1 + (seed >> 16) % max_piece);
    const auto consumed = parser.feed(bytes.subspan(offset, piece));
    if (!consumed) {
      out.error = consumed.error().message;
      break;
    }
    FUZZ_CHECK(*consumed <= piece);
    FUZZ_CHECK(*consumed == piece || parser.complete());
    offset += *consumed;
    if (parser.complete()) {
      out.replies.push_back(parser.reply());
      out.ends.push_back(offset);
      parser.reset();
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);

  // 1. Whole and in pieces.
  const Outcome whole = run(input, 0, 0);
  for (const std::size_t max_piece : {std::size_t{1}, std::size_t{7}, std::size_t{400}})
    FUZZ_CHECK(run(input, static_cast<std::uint32_t>(size), max_piece) == whole);

  // 2. Each reply.
  for (std::size_t i = 0; i < whole.replies.size(); ++i) {
    const SmtpReply& reply = whole.replies[i];
    FUZZ_CHECK(reply.code >= 200 && reply.code <= 559);
    FUZZ_CHECK(!reply.lines.empty() && reply.lines.size() <= SmtpReplyParser::kMaxLines);
    for (const std::string& line : reply.lines)
      FUZZ_CHECK(line.size() + 5 <= SmtpReplyParser::kMaxLineBytes);  // "250-" and LF
    FUZZ_CHECK(whole.ends[i] >= 4 && data[whole.ends[i] - 1] == '\n');
    for (const char c : reply.text()) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
  }
  return 0;
}
