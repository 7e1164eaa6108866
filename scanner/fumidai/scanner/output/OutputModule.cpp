#include "fumidai/scanner/output/OutputModule.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "fumidai/scanner/output/CsvOutput.h"
#include "fumidai/scanner/output/JsonlOutput.h"

namespace fumidai::scanner {

Result<std::unique_ptr<OutputModule>> make_output_module(std::string_view format, const std::string& path) {
  if (format != "jsonl" && format != "csv") {
    return make_input_error(fmt::format("unknown output format '{}' (expected jsonl or csv)", format));
  }
  auto file = OutputFile::open(path);
  if (!file) return file.error();
  if (format == "csv") return std::unique_ptr<OutputModule>(std::make_unique<CsvOutput>(std::move(*file)));
  return std::unique_ptr<OutputModule>(std::make_unique<JsonlOutput>(std::move(*file)));
}

std::string format_timestamp(std::int64_t unix_ns) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ns / 1'000'000'000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                     utc.tm_hour, utc.tm_min, utc.tm_sec, (unix_ns / 1'000'000) % 1000);
}

}  // namespace fumidai::scanner
