#pragma once
// What HttpResponseParser will hold for one response, whatever the peer
// sends. The header limits bound memory and make a response that exceeds
// them a protocol error; the body limit only truncates (a big page is normal).
#include <cstddef>

namespace fumidai::scanner {

struct HttpLimits {
  std::size_t max_status_line = 8 * 1024;  // without its line end
  std::size_t max_header_line = 8 * 1024;  // one physical line (a folded continuation is a line of its own)
  // The status line, header lines, trailers and their line ends together,
  // across any interim (1xx) responses before the final one.
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_header_count = 100;
  std::size_t max_body_bytes = 64 * 1024;  // kept, and hashed; the rest is not read
  std::size_t max_chunk_size_line = 1024;  // chunk size plus extensions
  std::size_t first_bytes_kept = 512;      // for recording what a peer that is not HTTP said
};

}  // namespace fumidai::scanner
