#pragma once
// Calls the endpoints' handlers the way the server does (route lookup, path
// captures, a principal, the parsed query) over a real ConnectionPool on a
// TestDatabase, without HTTP: the HTTP layer has tests of its own.
// Contract: one per test; not thread-safe.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "TestDatabase.h"
#include "fumidai/api/HandlerContext.h"
#include "fumidai/api/RouteRegistry.h"
#include "fumidai/api/handlers/EndpointRoutes.h"
#include "fumidai/campaigns/CampaignService.h"
#include "fumidai/core/ManualClock.h"
#include "fumidai/db/ConnectionPool.h"

namespace fumidai::test {

class TestContext : public api::HandlerContext {
 public:
  explicit TestContext(db::ConnectionPool& pool) : pool_(pool) {}
  Result<db::PooledSession> database() override { return pool_.acquire(); }
  Clock& clock() override { return clock_; }

 private:
  db::ConnectionPool& pool_;
  ManualClock clock_;
};

using Query = std::vector<std::pair<std::string, std::string>>;

struct Reply {
  unsigned status = 0;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                 // the whole body, streamed or not
  std::vector<std::string> chunks;  // a stream's chunks
  // Parsed once and kept, so references into it live as long as the Reply.
  const boost::json::value& json() const {
    if (!parsed) parsed = boost::json::parse(body);
    return *parsed;
  }
  mutable std::optional<boost::json::value> parsed;
};

inline api::Principal admin() { return {1, "admin", api::Role::admin, {}, {}}; }
inline api::Principal researcher() { return {2, "researcher", api::Role::researcher, {}, {}}; }
inline api::Principal analyst(api::Constituency c) { return {3, "analyst", api::Role::analyst, std::move(c), {}}; }

class ApiFixture {
 public:
  ApiFixture() : pool_(database_.conninfo(), 2, std::chrono::seconds(10)), context_(pool_) {
    api::register_endpoint_routes(registry_, cache_, service_);
  }

  // A stream's chunks go to `on_chunk` when given (and are then not kept).
  Reply call(const api::Principal& who, const std::string& path, const Query& query = {},
             const std::function<void(const std::string&)>& on_chunk = {}) {
    const auto lookup = registry_.find("GET", path);
    if (!lookup.match) {
      ADD_FAILURE() << "no route for " << path;
      return {};
    }
    api::ApiRequest request;
    request.method = "GET";
    request.target = path;
    request.path = lookup.match->path;
    for (const auto& [name, value] : query) request.query[name].push_back(value);
    request.principal = who;
    auto response = lookup.match->route->handler(request, context_);
    Reply reply{response.status, response.content_type, response.headers, response.body, {}, std::nullopt};
    if (response.stream) {
      while (true) {
        auto chunk = response.stream->next_chunk();
        if (!chunk) {
          ADD_FAILURE() << "stream failed: " << chunk.error().message;
          break;
        }
        if (!*chunk) break;
        if (on_chunk) {
          on_chunk(**chunk);
          continue;
        }
        reply.body += **chunk;
        reply.chunks.push_back(std::move(**chunk));
      }
    }
    return reply;
  }

  // As the server has it: the embedded templates and CERT list.
  const campaigns::CampaignService& service() const { return *service_; }
  TestContext& context() { return context_; }
  // Any method with a body, as the dispatcher would hand it on (no role
  // check here: that is the dispatcher's, tested in ServerTest).
  Reply send(const std::optional<api::Principal>& who, const std::string& method, const std::string& path,
             const std::string& body = {}, const std::string& content_type = "application/json") {
    const auto lookup = registry_.find(method, path);
    if (!lookup.match) {
      ADD_FAILURE() << "no route for " << method << " " << path;
      return {};
    }
    api::ApiRequest request;
    request.method = method;
    request.target = path;
    request.path = lookup.match->path;
    request.body = body;
    request.content_type = content_type;
    request.principal = who;
    auto response = lookup.match->route->handler(request, context_);
    return Reply{response.status, response.content_type, response.headers, response.body, {}, std::nullopt};
  }

  TestDatabase& database() { return database_; }
  db::ConnectionPool& pool() { return pool_; }
  api::RouteRegistry& registry() { return registry_; }

 private:
  TestDatabase database_;
  db::ConnectionPool pool_;
  TestContext context_;
  // Disabled (TTL 0): every call here must see the data as it is now.
  ManualClock cache_clock_;
  api::ResponseCache cache_{cache_clock_, Nanos{0}, 0};
  // On the handlers' clock, so opt-outs expire by the time verify() is told.
  std::shared_ptr<const campaigns::CampaignService> service_ =
      campaigns::CampaignService::load({}, context_.clock()).value();
  api::RouteRegistry registry_;
};

}  // namespace fumidai::test
