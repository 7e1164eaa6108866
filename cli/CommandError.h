#pragma once
// How a subcommand ends on an Error: one line "fumidai CMD: message" on
// stderr, and exit code 2 for bad input (nothing was changed), else 1.
#include <fmt/format.h>

#include <cstddef>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::cli {

// Bad input lines (with --skip-bad and the like) are each reported, up to
// this many; the rest are counted.
constexpr std::size_t kMaxReportedBadLines = 10;

inline int report_error(std::string_view command, const Error& error) {
  fmt::print(stderr, "fumidai {}: {}\n", command, error.message);
  return error.kind == Error::Kind::invalid_input ? 2 : 1;
}

}  // namespace fumidai::cli
