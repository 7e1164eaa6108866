#pragma once
// A mailbox address (RFC 5321 4.1.2 "Mailbox", ASCII only): a dot-atom local
// part (no quoted strings) "@" a domain of letter-digit-hyphen labels. Strict
// on purpose: addresses come from abuse-contact files off the internet and end
// up in SMTP commands and message headers, where anything looser (quotes,
// spaces, CR/LF) would be an injection vector.
// Contract: a value; parse() is pure and never throws.
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::mail {

struct MailAddress {
  static constexpr std::size_t kMaxLength = 254;  // RFC 5321 4.5.3.1.3 path minus "<>"
  static constexpr std::size_t kMaxLocalPart = 64;
  static constexpr std::size_t kMaxLabel = 63;

  std::string addr_spec;  // "local@domain", as given (case kept)

  // Bad input: an input error naming the address and the problem.
  static Result<MailAddress> parse(std::string_view text);
  bool operator==(const MailAddress&) const = default;
};

// RFC 5322 3.2.3 atext: the characters a dot-atom is made of.
bool is_atext(char c);

}  // namespace fumidai::mail
