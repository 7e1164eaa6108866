// Fuzz target: what the canary reads from whoever connects. The input is the
// byte stream a client sends.
// 1. find_end() agrees with itself however the bytes arrive (the session
//    appends and resumes 3 bytes back).
// 2. parse() of the delimited head (or of everything, as for a head that
//    never ends): a valid request carries a canary token that is in the
//    request line; a bad one keeps at most kMaxLoggedBytes.
// 3. The log line for it is JSON within CanaryLog::kMaxLineBytes.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/scanner/canary/CanaryLog.h"
#include "fumidai/scanner/canary/CanaryRequestHead.h"
#include "fumidai/scanner/canary/CanaryToken.h"

using namespace fumidai::scanner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  // 1. Whole, and grown in reads of 1..7 bytes as the session does.
  const std::size_t end = CanaryRequestHead::find_end(bytes, 0);
  FUZZ_CHECK(end <= bytes.size());
  std::size_t incremental = 0;
  std::size_t filled = 0;
  for (std::size_t step = 1; filled < bytes.size() && incremental == 0; step = step % 7 + 1) {
    const std::size_t searched = filled > 3 ? filled - 3 : 0;
    filled = std::min(bytes.size(), filled + step);
    incremental = CanaryRequestHead::find_end(bytes.substr(0, filled), searched);
  }
  FUZZ_CHECK(incremental == end);

  // 2. The request.
  const std::string_view head = end == 0 ? bytes : bytes.substr(0, end);
  const CanaryRequest request = CanaryRequestHead::parse(head);
  FUZZ_CHECK(request.token.size() <= CanaryRequest::kMaxLoggedBytes);
  if (request.valid) {
    FUZZ_CHECK(is_canary_token(request.token));
    FUZZ_CHECK(head.substr(0, head.find('\n')).find(kCanaryPathPrefix.substr(1)) != std::string_view::npos);
    FUZZ_CHECK(head.find(request.token) != std::string_view::npos);
  }

  // 3. Its log line.
  const std::string line = CanaryLog::format_line({0, 0, 0, request.token, request.valid});
  FUZZ_CHECK(line.size() <= CanaryLog::kMaxLineBytes);
  FUZZ_CHECK(line.back() == '\n');
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(std::string_view(line).substr(0, line.size() - 1), ec);
  FUZZ_CHECK(!ec && parsed.is_object());
  return 0;
}
