#include "fumidai/db/RecordLineReader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace fumidai::db {
namespace {

constexpr std::size_t kInitialBuffer = 4u << 20;

}  // namespace

Result<RecordLineReader> RecordLineReader::open(const std::string& path, std::size_t max_line,
                                    std::function<void(std::string_view)> on_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_input_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return RecordLineReader(fd, path, max_line, std::move(on_bytes));
}

RecordLineReader::RecordLineReader(int fd, std::string path, std::size_t max_line, std::function<void(std::string_view)> on_bytes)
    : fd_(fd),
      path_(std::move(path)),
      max_line_(max_line),
      on_bytes_(std::move(on_bytes)),
      buffer_(std::min(kInitialBuffer, max_line + 1)) {}

RecordLineReader::~RecordLineReader() {
  if (fd_ >= 0) ::close(fd_);
}

RecordLineReader::RecordLineReader(RecordLineReader&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      max_line_(other.max_line_),
      on_bytes_(std::move(other.on_bytes_)),
      buffer_(std::move(other.buffer_)),
      begin_(other.begin_),
      end_(other.end_),
      eof_(other.eof_),
      too_long_(other.too_long_),
      line_number_(other.line_number_),
      error_(std::move(other.error_)) {}

bool RecordLineReader::fill() {
  if (eof_ || error_) return false;
  if (begin_ > 0) {  // move the unread part to the front
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(std::min(buffer_.size() * 2, max_line_ + 1));
  while (true) {
    const ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = make_error(fmt::format("cannot read {}: {}", path_, std::strerror(errno)));
      return false;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    if (on_bytes_) on_bytes_(std::string_view(buffer_.data() + end_, static_cast<std::size_t>(n)));
    end_ += static_cast<std::size_t>(n);
    return true;
  }
}

bool RecordLineReader::next(std::string_view& line) {
  too_long_ = false;
  std::size_t searched = begin_;
  while (true) {
    const void* newline = std::memchr(buffer_.data() + searched, '\n', end_ - searched);
    if (newline != nullptr) {
      const std::size_t at = static_cast<const char*>(newline) - buffer_.data();
      line = std::string_view(buffer_.data() + begin_, at - begin_);
      begin_ = at + 1;
      ++line_number_;
      return true;
    }
    if (end_ - begin_ > max_line_) {
      // Too long: reported empty, and everything up to the next newline dropped.
      too_long_ = true;
      begin_ = end_;
      while (fill()) {
        const void* found = std::memchr(buffer_.data() + begin_, '\n', end_ - begin_);
        if (found != nullptr) {
          begin_ = static_cast<std::size_t>(static_cast<const char*>(found) - buffer_.data()) + 1;
          break;
        }
        begin_ = end_;
      }
      line = {};
      ++line_number_;
      return !error_;
    }
    searched = end_;
    const std::size_t offset = searched - begin_;
    if (!fill()) {
      if (error_) return false;
      if (end_ == begin_) return false;
      // The last line has no newline.
      line = std::string_view(buffer_.data() + begin_, end_ - begin_);
      begin_ = end_;
      ++line_number_;
      return true;
    }
    searched = begin_ + offset;
  }
}

}  // namespace fumidai::db
