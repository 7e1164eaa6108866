#include "fumidai/db/LineReader.h"

#include <zlib.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fumidai::db {

struct LineReader::File {
  explicit File(gzFile f) : handle(f) {}
  ~File() { gzclose(handle); }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  gzFile handle;
};

namespace {
// Bytes asked of zlib per read; a buffer holds at least this plus a line.
constexpr std::size_t read_chunk = 256 * 1024;
}  // namespace

Result<LineReader> LineReader::open(const std::string& path, std::size_t max_line) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_input_error(fmt::format("{}: {}", path, ec ? ec.message() : "not a regular file"));
  }
  gzFile handle = gzopen(path.c_str(), "rb");
  if (handle == nullptr) {
    return make_input_error(fmt::format("{}: {}", path, errno != 0 ? std::strerror(errno) : "cannot open"));
  }
  gzbuffer(handle, read_chunk);
  return LineReader(std::make_unique<File>(handle), path, max_line);
}

LineReader::LineReader(std::unique_ptr<File> file, std::string path, std::size_t max_line)
    : file_(std::move(file)), path_(std::move(path)), max_line_(max_line), buffer_(read_chunk + max_line + 2) {}
LineReader::~LineReader() = default;
LineReader::LineReader(LineReader&&) noexcept = default;
LineReader& LineReader::operator=(LineReader&&) noexcept = default;

Result<bool> LineReader::fill() {
  if (at_end_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t room = std::min(buffer_.size() - end_, read_chunk);
  const int got = gzread(file_->handle, buffer_.data() + end_, static_cast<unsigned>(room));
  if (got < 0) {
    int code = 0;
    const char* message = gzerror(file_->handle, &code);
    return make_input_error(fmt::format("{}: unreadable after line {}: {}", path_, line_number_,
                                        code == Z_ERRNO ? std::strerror(errno) : message));
  }
  if (got == 0) {
    // zlib reports a gzip stream cut short only through gzerror (Z_BUF_ERROR),
    // so a truncated download would otherwise read as a shorter file.
    int code = Z_OK;
    const char* message = gzerror(file_->handle, &code);
    if (code != Z_OK) {
      return make_input_error(fmt::format("{}: unreadable after line {}: {}", path_, line_number_, message));
    }
    at_end_ = true;
    return false;
  }
  end_ += static_cast<std::size_t>(got);
  return true;
}

Result<std::optional<LineReader::Line>> LineReader::next() {
  bool too_long = false;
  std::size_t scanned = begin_;  // no newline in [begin_, scanned)
  for (;;) {
    const auto* start = buffer_.data() + scanned;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - scanned));
    if (newline != nullptr) {
      const auto at = static_cast<std::size_t>(newline - buffer_.data());
      std::string_view text(buffer_.data() + begin_, at - begin_);
      begin_ = at + 1;
      ++line_number_;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (too_long || text.size() > max_line_) return std::optional(Line{{}, true});
      return std::optional(Line{text, false});
    }
    if (end_ - begin_ > max_line_ + 1) {
      // Over the limit with no end in sight: drop what is buffered and keep
      // reading to the newline.
      too_long = true;
      begin_ = end_;
    }
    const std::size_t kept = end_ - begin_;
    auto more = fill();
    if (!more) return more.error();
    scanned = begin_ + kept;
    if (!*more) {
      if (end_ == begin_ && !too_long) return std::optional<Line>();
      // A last line without a newline.
      std::string_view text(buffer_.data() + begin_, end_ - begin_);
      begin_ = end_;
      ++line_number_;
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (too_long || text.size() > max_line_) return std::optional(Line{{}, true});
      return std::optional(Line{text, false});
    }
  }
}

}  // namespace fumidai::db
