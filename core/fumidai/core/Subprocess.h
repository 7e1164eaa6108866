#pragma once
// Runs a program to completion and captures what it printed (stdout and
// stderr together). Used for the few jobs another program does best: the
// embedded PostgreSQL's initdb and pg_ctl.
// Contract: blocking; the child gets no stdin (/dev/null) and the caller's
// environment; `argv[0]` is looked up on PATH. Output beyond `max_output`
// bytes is read and dropped, so a chatty child cannot exhaust memory.
#include <cstddef>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"

namespace fumidai {

struct SubprocessResult {
  int exit_code = 0;  // 128 + signal number if it was killed
  std::string output;
};

Result<SubprocessResult> run_subprocess(const std::vector<std::string>& argv, std::size_t max_output = 1 << 20);

// The one line that best explains a failure: the last non-blank line of `output`.
std::string last_line(const std::string& output);

}  // namespace fumidai
