#pragma once
// What a handler returns: a whole body, or a stream the server pulls chunk by
// chunk (chunked transfer encoding) so that an export of any size runs in
// constant memory: the server asks for the next chunk only after the previous
// one is written to the socket.
// Contract: move-only; the server owns the stream and calls next_chunk() from
// one worker thread at a time, never concurrently, until it returns an empty
// optional (the end) or an error (the connection is then closed: the status
// line is long gone).
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai::api {

class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual Result<std::optional<std::string>> next_chunk() = 0;
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                    // used when stream is null
  std::unique_ptr<BodyStream> stream;  // chunked when set
};

// RFC 9457 problem details (application/problem+json). `invalid_params`
// names each bad query parameter with the reason.
struct InvalidParam {
  std::string name;
  std::string reason;
};
ApiResponse problem(unsigned status, std::string title, std::string detail = {},
                    std::vector<InvalidParam> invalid_params = {});

}  // namespace fumidai::api
