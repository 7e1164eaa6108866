// Fuzz target: the lab emulator's request-head reader, fed whatever a client
// sends. find_end() must agree with itself however the bytes arrive (a
// caller that appends resumes 3 bytes back), and parse() of a delimited head
// must return views inside it (or the static "/" an absolute-form target
// without a path gets).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "devices/HttpRequestHead.h"

using fumidai::lab::HttpRequestHead;

namespace {

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() || (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t end = HttpRequestHead::find_end(bytes, 0);
  FUZZ_CHECK(end <= bytes.size());
  // Growing the buffer one byte at a time finds the same end.
  std::size_t incremental = 0;
  for (std::size_t n = 1; n <= bytes.size() && incremental == 0; ++n)
    incremental = HttpRequestHead::find_end(bytes.substr(0, n), n > 4 ? n - 4 : 0);
  FUZZ_CHECK(incremental == end);
  if (end == 0) return 0;
  const std::string_view head = bytes.substr(0, end);
  if (const auto parsed = HttpRequestHead::parse(head)) {
    FUZZ_CHECK(inside(parsed->method, head));
    FUZZ_CHECK(inside(parsed->path, head) || parsed->path == "/");
  }
  return 0;
}
