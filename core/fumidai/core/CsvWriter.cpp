#include "fumidai/core/CsvWriter.h"

namespace fumidai {

void CsvWriter::separator() {
  if (!first_) out_ += ',';
  first_ = false;
}

CsvWriter& CsvWriter::text(std::string_view value) {
  separator();
  const bool formula = !value.empty() && std::string_view("=+-@\t\r").find(value.front()) != std::string_view::npos;
  const bool quote = formula || value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out_ += '"';
  if (formula) out_ += '\'';
  for (const char c : value) {
    if (c == '"') out_ += '"';
    out_ += c;
  }
  if (quote) out_ += '"';
  return *this;
}

CsvWriter& CsvWriter::number(std::int64_t value) {
  separator();
  out_ += std::to_string(value);
  return *this;
}

CsvWriter& CsvWriter::optional_number(const std::optional<std::int64_t>& value) {
  if (value) return number(*value);
  separator();
  return *this;
}

void CsvWriter::end_record() {
  out_ += "\r\n";
  first_ = true;
}

}  // namespace fumidai
