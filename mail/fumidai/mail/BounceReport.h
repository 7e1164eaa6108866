#pragma once
// Delivery status notifications (RFC 3464): what a relay mails back when a
// letter could not be delivered. parse_bounce() finds the
// multipart/report; report-type=delivery-status part (at the top or nested in
// other multiparts), its message/delivery-status fields for the first
// recipient whose Action is "failed", and the Message-ID of the letter from
// the text/rfc822-headers or message/rfc822 part, so the letter can be marked
// bounced.
//
// The input is untrusted mail: bounded (kMaxBytes, kMaxDepth nested parts),
// never throws; the fields are returned as printable ASCII (anything else as
// '?'), at most kMaxField bytes each.
// Contract: pure.
#include <cstddef>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::mail {

struct BounceReport {
  static constexpr std::size_t kMaxBytes = 1 << 20;
  static constexpr std::size_t kMaxDepth = 5;
  static constexpr std::size_t kMaxField = 1000;

  std::string original_message_id;  // without <>
  std::string recipient;            // Final-Recipient's address ("rfc822;" dropped)
  std::string action;               // "failed"
  std::string status;               // "5.1.1"
  std::string diagnostic;           // Diagnostic-Code's text ("smtp;" dropped), may be empty
};

// Not a DSN, no failed recipient, or no original Message-ID: an input error saying which.
Result<BounceReport> parse_bounce(std::string_view message);

}  // namespace fumidai::mail
