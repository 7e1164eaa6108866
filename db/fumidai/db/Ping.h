#pragma once
// Whether a session's server answers at all (`SELECT 1`): the API's
// readiness check.
// Contract: uses the session from the calling thread only.
#include "fumidai/core/Error.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

Result<> ping(Session& session);

}  // namespace fumidai::db
