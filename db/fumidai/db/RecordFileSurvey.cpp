#include "fumidai/db/RecordFileSurvey.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <boost/json/basic_parser_impl.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "fumidai/core/Trim.h"
#include "fumidai/db/RecordLineReader.h"

namespace fumidai::db {
namespace {

namespace json = boost::json;
using boost::system::error_code;

// Keeps the string value of the top-level key "ts"; ignores the rest.
struct TsHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  int depth = 0;
  std::string key;
  bool ts_next = false;  // the value that follows is the top-level ts
  std::string ts;
  bool found = false;

  void reset() {
    depth = 0;
    key.clear();
    ts_next = false;
    ts.clear();
    found = false;
  }
  bool value() {
    ts_next = false;
    return true;
  }
  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) {
    ts_next = false;
    ++depth;
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    --depth;
    return true;
  }
  bool on_array_begin(error_code&) {
    ts_next = false;
    ++depth;
    return true;
  }
  bool on_array_end(std::size_t, error_code&) {
    --depth;
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    if (depth == 1) key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, error_code&) {
    if (depth == 1) {
      key.append(s.data(), s.size());
      ts_next = key == "ts";
      key.clear();
    }
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, error_code&) {
    if (ts_next) ts.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, error_code&) {
    if (ts_next) {
      ts.append(s.data(), s.size());
      found = true;
    }
    return value();
  }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, error_code&) { return value(); }
  bool on_uint64(std::uint64_t, json::string_view, error_code&) { return value(); }
  bool on_double(double, json::string_view, error_code&) { return value(); }
  bool on_bool(bool, error_code&) { return value(); }
  bool on_null(error_code&) { return value(); }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }
};

// The file's SHA-256 in hex, read on its own.
Result<std::string> file_sha256(const std::string& path) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!digest || EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr) != 1) return make_error("SHA-256 unavailable");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_input_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  std::vector<char> buffer(1u << 20);
  ssize_t n = 0;
  while ((n = ::read(fd, buffer.data(), buffer.size())) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return make_error(fmt::format("cannot read {}: {}", path, std::strerror(error)));
    }
    EVP_DigestUpdate(digest.get(), buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(digest.get(), hash, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", hash[i]);
  return hex;
}

}  // namespace

Result<RecordFileSurvey> RecordFileSurvey::of(const std::string& path, std::size_t max_line) {
  auto reader = RecordLineReader::open(path, max_line);
  if (!reader) return reader.error();
  // The digest and the parse each take a core's worth of time, and nothing
  // else runs yet: side by side.
  Result<std::string> sha256 = make_error("not computed");
  std::thread hashing([&] { sha256 = file_sha256(path); });

  RecordFileSurvey survey;
  json::basic_parser<TsHandler> parser(json::parse_options{});
  std::string_view line;
  while (reader->next(line)) {
    ++survey.lines;
    if (reader->too_long()) {
      if (survey.first_bad_line == 0) {
        survey.first_bad_line = reader->line_number();
        survey.first_bad_reason = fmt::format("longer than {} bytes", max_line);
      }
      continue;
    }
    if (is_blank_line(line)) continue;
    parser.reset();
    parser.handler().reset();
    error_code ec;
    parser.write_some(false, line.data(), line.size(), ec);
    if (ec) {
      if (survey.first_bad_line == 0) {
        survey.first_bad_line = reader->line_number();
        survey.first_bad_reason = fmt::format("not JSON: {}", ec.message());
      }
      continue;
    }
    if (!parser.handler().found) continue;
    if (const auto at = parse_utc_time(parser.handler().ts); at && (!survey.earliest || *at < *survey.earliest)) {
      survey.earliest = at;
    }
  }
  hashing.join();
  if (reader->error()) return *reader->error();
  if (!sha256) return sha256.error();
  survey.sha256 = std::move(*sha256);
  return survey;
}

}  // namespace fumidai::db
