#pragma once
// One CSV record per RFC 4180: fields separated by commas, quoted when they
// hold a comma, quote, CR or LF (quotes doubled), lines ending CRLF. Text
// cells that a spreadsheet would run as a formula (starting with = + - @,
// tab or CR) get a leading ' (OWASP's CSV injection advice); numbers are
// written as they are.
// Contract: a value; not thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fumidai {

class CsvWriter {
 public:
  explicit CsvWriter(std::string& out) : out_(out) {}
  CsvWriter& text(std::string_view value);
  CsvWriter& number(std::int64_t value);
  CsvWriter& optional_number(const std::optional<std::int64_t>& value);
  void end_record();

 private:
  void separator();
  std::string& out_;
  bool first_ = true;
};

}  // namespace fumidai
