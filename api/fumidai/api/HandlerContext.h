#pragma once
// What a handler may use besides its request: a pooled database session and
// the injected clock.
// Contract: valid for the duration of one handler call. A PooledSession
// moved into a BodyStream stays leased until the stream is destroyed.
#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"
#include "fumidai/db/ConnectionPool.h"

namespace fumidai::api {

class HandlerContext {
 public:
  virtual ~HandlerContext() = default;
  // Waits a bounded time for a free session; an error becomes a 503.
  virtual Result<db::PooledSession> database() = 0;
  virtual Clock& clock() = 0;
};

}  // namespace fumidai::api
