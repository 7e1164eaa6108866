#pragma once
// What `fumidai db status` prints about the contents: rows per main table.
#include <string>
#include <utility>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

Result<std::vector<std::pair<std::string, long long>>> table_counts(Session& session);

}  // namespace fumidai::db
