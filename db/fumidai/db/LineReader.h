#pragma once
// Reads a text file line by line, gzip-compressed or plain (zlib reads both),
// in bounded memory: a line longer than the limit is reported as such and
// passed over, never buffered whole.
// Contract: one thread; owns the open file; a line's text is valid until the
// next call to next().
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::db {

class LineReader {
 public:
  struct Line {
    std::string_view text;  // without "\n" or "\r\n"; empty when too_long
    bool too_long = false;
  };

  // A missing or unreadable file is an input error naming it.
  static Result<LineReader> open(const std::string& path, std::size_t max_line);
  ~LineReader();
  LineReader(LineReader&&) noexcept;
  LineReader& operator=(LineReader&&) noexcept;

  // The next line, or nullopt at the end. Corrupt gzip data is an input error.
  Result<std::optional<Line>> next();
  // The line next() returned last, counting from 1.
  std::uint64_t line_number() const { return line_number_; }

 private:
  struct File;
  LineReader(std::unique_ptr<File> file, std::string path, std::size_t max_line);
  Result<bool> fill();  // false at the end of the file

  std::unique_ptr<File> file_;
  std::string path_;
  std::size_t max_line_ = 0;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // unread bytes are buffer_[begin_, end_)
  std::size_t end_ = 0;
  bool at_end_ = false;
  std::uint64_t line_number_ = 0;
};

}  // namespace fumidai::db
