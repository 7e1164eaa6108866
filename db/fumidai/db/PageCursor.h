#pragma once
// Opaque page cursors: the last row's key as base64url (no padding), so a
// client passes it back unchanged and never depends on its form. Decoding
// checks the alphabet and size; the query classes check the key itself.
// Contract: stateless functions.
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::db {

class PageCursor {
 public:
  static constexpr std::size_t kMaxLength = 512;

  static std::string encode(std::string_view key);
  // A cursor that is not base64url, or too long, is an input error.
  static Result<std::string> decode(std::string_view cursor);
};

}  // namespace fumidai::db
