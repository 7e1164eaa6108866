#pragma once
// Reads a file line by line through a large buffer, for ingest's passes over
// JSONL. A line longer than `max_line` is not kept: next() returns it empty
// with too_long() set, having skipped it, so an endless line costs no more
// memory than max_line.
// Contract: single-threaded; the returned view lives until the next call.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::db {

class RecordLineReader {
 public:
  // `on_bytes` sees every byte of the file once, in order (for a digest).
  static Result<RecordLineReader> open(const std::string& path, std::size_t max_line,
                                 std::function<void(std::string_view)> on_bytes = {});
  ~RecordLineReader();
  RecordLineReader(RecordLineReader&& other) noexcept;
  RecordLineReader& operator=(RecordLineReader&&) = delete;

  // The next line without its '\n'; false at the end of the file or on a read
  // error (then error() says so).
  bool next(std::string_view& line);
  std::uint64_t line_number() const { return line_number_; }  // of the line last returned, from 1
  bool too_long() const { return too_long_; }
  const std::optional<Error>& error() const { return error_; }

 private:
  RecordLineReader(int fd, std::string path, std::size_t max_line, std::function<void(std::string_view)> on_bytes);
  // Reads more into the buffer after end_; false at the end of the file.
  bool fill();

  int fd_;
  std::string path_;
  std::size_t max_line_;
  std::function<void(std::string_view)> on_bytes_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // unread data is [begin_, end_)
  std::size_t end_ = 0;
  bool eof_ = false;
  bool too_long_ = false;
  std::uint64_t line_number_ = 0;
  std::optional<Error> error_;
};

}  // namespace fumidai::db
