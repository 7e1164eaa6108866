// Fuzz target: what the API takes from the network before any handler runs.
//
// 1. An Authorization bearer token (any bytes) through db::ApiToken::parse:
//    when it parses, the token is exactly "fmd_" + 8 of [a-z0-9] + "_" + 43
//    base64url characters, and prints back as the input.
// 2. The same bytes as a request target in an audit row
//    (db::AuditLogWriter::append_row): one COPY row of 11 fields, valid UTF-8
//    without NUL (so PostgreSQL never refuses an audit batch).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/db/ApiToken.h"
#include "fumidai/db/AuditLogWriter.h"

using namespace fumidai::db;

namespace {

bool valid_utf8_without_nul(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80                 ? 1
                    : c >= 0xc2 && c <= 0xdf ? 2
                    : c >= 0xe0 && c <= 0xef ? 3
                    : c >= 0xf0 && c <= 0xf4 ? 4
                                             : 0;
    if (n == 0 || c == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto token = ApiToken::parse(input)) {
    FUZZ_CHECK(input.size() == ApiToken::kLength);
    FUZZ_CHECK(token->prefix.size() == ApiToken::kPrefixLength);
    FUZZ_CHECK(token->secret.size() == ApiToken::kSecretLength);
    FUZZ_CHECK(token->text() == input);
  }

  AuditRecord record;
  record.target = std::string(input);
  record.method = std::string(input.substr(0, 16));
  std::string row;
  AuditLogWriter::append_row(row, record);
  FUZZ_CHECK(!row.empty() && row.back() == '\n');
  std::size_t tabs = 0, newlines = 0;
  for (char c : row) {
    tabs += c == '\t';
    newlines += c == '\n';
  }
  FUZZ_CHECK(tabs == 10 && newlines == 1);
  FUZZ_CHECK(valid_utf8_without_nul(row));
  return 0;
}
