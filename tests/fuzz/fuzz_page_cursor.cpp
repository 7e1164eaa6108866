// Fuzz target: the API's page cursors (?cursor=...), which come from the
// network. Besides "no crash": encoding round-trips every key, and a cursor
// that decodes is the canonical encoding of what it decodes to (so two
// different cursors never name the same page).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/db/PageCursor.h"

using fumidai::db::PageCursor;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto decoded = PageCursor::decode(input);
  if (decoded) {
    FUZZ_CHECK(PageCursor::encode(*decoded) == input);
  } else {
    FUZZ_CHECK(!decoded.error().message.empty());
  }
  const auto encoded = PageCursor::encode(input);
  if (encoded.size() <= PageCursor::kMaxLength && !input.empty()) {
    const auto again = PageCursor::decode(encoded);
    FUZZ_CHECK(again && *again == input);
  }
  return 0;
}
