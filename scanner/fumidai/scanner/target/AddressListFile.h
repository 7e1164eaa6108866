#pragma once
// Reads blocklist and allowlist files in ZMap's format: one address, CIDR or
// range per line; '#' starts a comment; blank lines are ignored.
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/target/IntervalSet.h"

namespace fumidai::scanner {

// `origin` names the source in errors ("blocklist.conf:12: invalid CIDR '1.2.3/8'").
Result<IntervalSet> parse_address_list(std::string_view text, std::string_view origin);
Result<IntervalSet> load_address_list_file(const std::string& path);
// The built-in list: IANA special-purpose ranges (scanner/data/default-blocklist.conf).
IntervalSet default_blocklist();

}  // namespace fumidai::scanner
