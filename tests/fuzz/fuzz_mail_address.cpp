// Fuzz target: mail addresses, which arrive in abuse-contact files off the
// internet and go into SMTP commands and headers.
// 1. MailAddress::parse never crashes; an accepted address is the input,
//    within the length limit, and has no byte that could end an SMTP command
//    or a header line (controls, space, non-ASCII, <, >, quotes).
// 2. An accepted address re-parses to itself.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/mail/MailAddress.h"

using namespace fumidai::mail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto address = MailAddress::parse(input);
  if (!address) {
    FUZZ_CHECK(!address.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(address->addr_spec == input);
  FUZZ_CHECK(input.size() <= MailAddress::kMaxLength);
  for (const char c : input) {
    const auto byte = static_cast<unsigned char>(c);
    FUZZ_CHECK(byte > 0x20 && byte < 0x7f && c != '<' && c != '>' && c != '"' && c != '\\');
  }
  const auto again = MailAddress::parse(address->addr_spec);
  FUZZ_CHECK(again && *again == *address);
  return 0;
}
