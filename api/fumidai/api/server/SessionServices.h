#pragma once
// What every connection of one server shares.
// Contract: owned by ApiServer, which outlives every session.
#include <functional>
#include <string_view>

#include "fumidai/api/server/ConnectionTracker.h"
#include "fumidai/api/server/RequestDispatcher.h"
#include "fumidai/api/server/ServerLimits.h"
#include "fumidai/api/server/WorkerPool.h"
#include "fumidai/core/Clock.h"

namespace fumidai::api {

struct SessionServices {
  RequestDispatcher& dispatcher;
  WorkerPool& workers;
  ConnectionTracker& tracker;
  const ServerLimits& limits;
  Clock& clock;
  const std::function<void(std::string_view)>& log;  // one line per server-side failure
};

}  // namespace fumidai::api
