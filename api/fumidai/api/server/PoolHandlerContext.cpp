#include "fumidai/api/server/PoolHandlerContext.h"

namespace fumidai::api {

Result<db::PooledSession> PoolHandlerContext::database() { return pool_.acquire(); }

}  // namespace fumidai::api
