#pragma once
// One line of `fumidai grab`'s input: stage 1's JSONL record
// ({"ip":"198.18.3.4","port":80,"status":"open",...}), or "IP:PORT",
// "IP PORT" or "IP,PORT" (ZGrab2's and masscan's list forms). Records whose
// status is not "open" or whose transport is not "tcp" (stage 2 grabs TCP),
// and blank or '#' lines are skipped (nothing, no error).
// Untrusted input: bounded (kMaxLineBytes), never throws; an error names the
// bad value in one line. Pure function, any thread.
#include <optional>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/grab/GrabTarget.h"

namespace fumidai::scanner {

inline constexpr std::size_t kMaxTargetLineBytes = 64 * 1024;

Result<std::optional<GrabTarget>> parse_target_line(std::string_view line);

}  // namespace fumidai::scanner
