#include "fumidai/scanner/output/OutputFile.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace fumidai::scanner {

Result<OutputFile> OutputFile::open(const std::string& path) {
  if (path == "-") return OutputFile(stdout, "standard output", false);
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (!file) return make_input_error(fmt::format("cannot create output file '{}': {}", path, std::strerror(errno)));
  return OutputFile(file, path, true);
}

OutputFile::~OutputFile() {
  if (file_ && owned_) std::fclose(file_);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)),
      path_(std::move(other.path_)),
      owned_(other.owned_),
      failed_(other.failed_) {}

void OutputFile::write(std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) failed_ = true;
}

Result<> OutputFile::close() {
  const bool flush_failed = std::fflush(file_) != 0;
  const bool close_failed = owned_ && std::fclose(std::exchange(file_, nullptr)) != 0;
  if (failed_ || flush_failed || close_failed) return make_error(fmt::format("writing results to {} failed", path_));
  return {};
}

}  // namespace fumidai::scanner
