#pragma once
// A DNS reply (RFC 1035), parsed only as far as a scanner needs: the header,
// and the strings of the first TXT answer (what "version.bind" CH TXT
// returns). Untrusted input, bounded: at most kMaxQuestions questions and
// kMaxAnswers answers are walked, names are skipped and never followed (so
// compression pointers cannot loop), and the TXT text is cut at kMaxTxtBytes.
// Pure function, any thread.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace fumidai::scanner {

struct DnsReply {
  static constexpr std::size_t kHeaderSize = 12;
  static constexpr std::size_t kMaxQuestions = 4;
  static constexpr std::size_t kMaxAnswers = 16;
  static constexpr std::size_t kMaxTxtBytes = 512;
  static constexpr std::uint16_t kTypeTxt = 16;

  std::uint16_t id = 0;
  bool response = false;  // QR
  std::uint8_t opcode = 0;
  bool authoritative = false;
  bool truncated = false;  // TC: the server cut its answer
  bool recursion_available = false;
  std::uint8_t rcode = 0;
  std::uint16_t questions = 0;
  std::uint16_t answers = 0;
  std::string txt;    // the first TXT answer's strings, concatenated, as sent
  std::string error;  // why the walk stopped early; empty if it did not

  // nullopt when `message` is shorter than the header.
  static std::optional<DnsReply> parse(std::span<const std::uint8_t> message);
};

// "NOERROR", "FORMERR", ... for the rcodes of RFC 1035; the number otherwise.
std::string dns_rcode_name(std::uint8_t rcode);

}  // namespace fumidai::scanner
