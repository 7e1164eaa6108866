#pragma once
// HttpResponseParser: reads one HTTP/1.0 or HTTP/1.1 response (RFC 9112) from
// the bytes a server sends, in whatever pieces they arrive, for a grabber:
// the connection's read loop calls feed() with each read and finish() when
// the peer closes, until either says complete or returns an Error.
//
// Everything fed in is untrusted. Memory is bounded by HttpLimits whatever
// the peer sends: header lines, header bytes and header count over a limit
// are a protocol error naming the limit; a body over max_body_bytes is not an
// error: the parser keeps the first max_body_bytes, sets body_truncated and
// completes without waiting for the rest. Nothing throws on input. After an
// error every call returns that same error; after completion, feed() ignores
// further bytes (one request per connection: there is no next response).
// Work is linear in the bytes fed, and the outcome, error messages included,
// is the same however the bytes are split into reads (first_bytes() aside).
//
// Accepted: a status line "HTTP/1.x NNN reason" (anything else fails on the
// first byte that rules it out; first_bytes() keeps what the peer said),
// CRLF or bare LF line ends, obs-fold continuation lines, duplicate headers
// (kept in order), Content-Length (repeated only with one value), chunked
// transfer coding with extensions and trailers (trailers are read and
// dropped), bodies delimited by the connection's close, no body for HEAD,
// 1xx, 204 and 304, and interim 1xx responses before the final one (dropped).
//
// On completion the response also gets body_sha256, title and favicon_url
// (from any body that has them, whatever its Content-Type: devices often
// send HTML as text/plain or without a type).
// When an error comes after the headers (the peer closed mid-body), the
// response still holds the headers and, with those three, the body so far.
//
// One parser per response, used from one thread at a time; take_response()
// moves the result out.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/probes/http/HttpLimits.h"
#include "fumidai/scanner/probes/http/HttpResponse.h"

namespace fumidai::scanner {

enum class HttpParseState { need_more, complete };

class HttpResponseParser {
 public:
  struct Request {
    std::string url;    // the page's absolute URL, the base for favicon_url; empty: no favicon_url
    bool head = false;  // a response to HEAD has no body, whatever its headers say
  };

  explicit HttpResponseParser(Request request, HttpLimits limits = {});

  Result<HttpParseState> feed(std::span<const std::uint8_t> bytes);
  // The peer closed the connection (or the caller gives up reading): ends a
  // body delimited by the close; anywhere else it is an error.
  Result<HttpParseState> finish();

  // Partial until complete: the status fields once the status line is read,
  // the headers as they arrive.
  const HttpResponse& response() const { return response_; }
  HttpResponse take_response() { return std::move(response_); }

  bool headers_complete() const { return headers_complete_; }
  const HttpLimits& limits() const { return limits_; }
  // The first HttpLimits::first_bytes_kept bytes the peer sent, as sent.
  std::string_view first_bytes() const { return first_bytes_; }

 private:
  enum class Phase {
    status_line,
    headers,
    body_length,       // Content-Length: remaining_ bytes to go
    body_until_close,  // no length: the body ends when the peer closes
    chunk_size,
    chunk_data,      // remaining_ bytes of this chunk to go
    chunk_data_end,  // the CRLF after a chunk's data
    trailers,
    complete,
    failed,
  };

  Result<std::size_t> step(std::span<const std::uint8_t> in);
  Result<std::size_t> read_line(std::span<const std::uint8_t> in);
  Result<void> take_line();
  Result<void> take_status_line();
  Result<void> take_header_line();
  Result<void> end_of_headers();
  Result<void> take_chunk_size_line();
  std::size_t take_body(std::span<const std::uint8_t> in);
  bool stop_if_body_full();
  void complete();
  void finalize_body();  // body_sha256, title and favicon_url from the body kept
  Error fail(Error error);

  Request request_;
  HttpLimits limits_;
  HttpResponse response_;
  Phase phase_ = Phase::status_line;
  std::string line_;               // the line being received, without its LF
  bool headers_complete_ = false;  // of the final (non-1xx) response
  bool chunk_cr_seen_ = false;
  std::uint64_t remaining_ = 0;
  std::size_t header_bytes_ = 0;
  std::string first_bytes_;
  Error error_;
};

}  // namespace fumidai::scanner
