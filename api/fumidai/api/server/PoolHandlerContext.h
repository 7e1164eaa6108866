#pragma once
// The HandlerContext of `fumidai serve`: sessions from the database pool,
// and the server's clock.
// Contract: thread-safe (the pool is); one instance serves every request;
// the pool and the clock outlive it.
#include "fumidai/api/HandlerContext.h"

namespace fumidai::api {

class PoolHandlerContext : public HandlerContext {
 public:
  PoolHandlerContext(db::ConnectionPool& pool, Clock& clock) : pool_(pool), clock_(clock) {}
  Result<db::PooledSession> database() override;
  Clock& clock() override { return clock_; }

 private:
  db::ConnectionPool& pool_;
  Clock& clock_;
};

}  // namespace fumidai::api
