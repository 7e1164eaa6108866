#pragma once
// A buffered output stream: standard output for "-", else a file created
// fresh. Write errors are remembered and reported by close().
// Contract: single-threaded; move-only.
#include <cstdio>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::scanner {

class OutputFile {
 public:
  static Result<OutputFile> open(const std::string& path);
  ~OutputFile();
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;

  void write(std::string_view text);
  Result<> close();

 private:
  OutputFile(std::FILE* file, std::string path, bool owned) : file_(file), path_(std::move(path)), owned_(owned) {}
  std::FILE* file_;
  std::string path_;
  bool owned_;
  bool failed_ = false;
};

}  // namespace fumidai::scanner
