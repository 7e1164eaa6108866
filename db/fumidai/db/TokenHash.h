#pragma once
// The form in which link tokens (a letter's acknowledgement token, an
// opt-out's verification token) are stored: only their SHA-256, so a copy of
// the database cannot acknowledge or verify anything.
// Contract: a pure function.
#include <cstddef>
#include <string>
#include <string_view>

namespace fumidai::db {

// Longer "tokens" are refused unhashed: no link ever carries one.
constexpr std::size_t kMaxLinkTokenLength = 512;

// Lower-case hex SHA-256 of `token` (64 characters).
std::string token_hash(std::string_view token);

}  // namespace fumidai::db
