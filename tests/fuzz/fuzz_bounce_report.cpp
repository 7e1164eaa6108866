// Fuzz target: bounce messages (RFC 3464 DSNs), which anyone can mail us.
// 1. parse_bounce never crashes and is deterministic.
// 2. A report's fields are printable ASCII within kMaxField, with a failed
//    action and a non-empty original Message-ID.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/mail/BounceReport.h"

using namespace fumidai::mail;

namespace {

void check_field(const std::string& field) {
  FUZZ_CHECK(field.size() <= BounceReport::kMaxField);
  for (const char c : field) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto report = parse_bounce(input);
  const auto again = parse_bounce(input);
  FUZZ_CHECK(report.has_value() == again.has_value());
  if (!report) {
    FUZZ_CHECK(report.error().message == again.error().message);
    return 0;
  }
  FUZZ_CHECK(report->original_message_id == again->original_message_id && report->recipient == again->recipient &&
             report->status == again->status && report->diagnostic == again->diagnostic);
  FUZZ_CHECK(report->action == "failed");
  FUZZ_CHECK(!report->original_message_id.empty());
  for (const std::string* field :
       {&report->original_message_id, &report->recipient, &report->action, &report->status, &report->diagnostic})
    check_field(*field);
  return 0;
}
