#include "fumidai/api/server/RequestDispatcher.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <arpa/inet.h>

#include <algorithm>
#include <boost/json.hpp>
#include <random>

#include "fumidai/api/routing/ParamValidator.h"
#include "fumidai/api/routing/RequestTarget.h"

namespace fumidai::api {
namespace {

// Bearer tokens (RFC 6750 b64token) up to a length no real key reaches.
constexpr std::size_t kMaxTokenBytes = 512;

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
}

// The token of "Bearer TOKEN" (scheme case-insensitive), or nullopt.
std::optional<std::string_view> bearer_token(std::string_view header) {
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = header[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) return std::nullopt;
  }
  std::string_view token = header.substr(scheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.size() > kMaxTokenBytes || !std::all_of(token.begin(), token.end(), is_token_char)) {
    return std::nullopt;
  }
  return token;
}

bool admits(Access access, Role role) {
  switch (access) {
    case Access::open:
    case Access::any_key:
      return true;
    case Access::not_researcher:
      return role != Role::researcher;
    case Access::admin:
      return role == Role::admin;
  }
  return false;
}

// Every problem document names its request id, so a user can quote it and
// an operator find the log line.
void stamp(DispatchOutcome& outcome) {
  ApiResponse& response = outcome.response;
  if (response.stream || response.content_type != "application/problem+json") return;
  boost::system::error_code ec;
  auto document = boost::json::parse(response.body, ec);
  if (ec || !document.is_object()) return;
  document.as_object()["request_id"] = outcome.request_id;
  response.body = boost::json::serialize(document);
}

// Retry-After in whole seconds, rounded up, at least 1.
std::int64_t retry_after_seconds(std::chrono::nanoseconds wait) {
  return std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(wait).count());
}

}  // namespace

RequestDispatcher::RequestDispatcher(const RouteRegistry& routes, Authenticator& authenticator,
                                     RateLimiter& rate_limiter, AuditSink& audit, HandlerContext& context, Clock& clock,
                                     ServerMetrics& metrics, const ServerLimits& limits, Log log)
    : routes_(routes),
      authenticator_(authenticator),
      rate_limiter_(rate_limiter),
      audit_(audit),
      context_(context),
      clock_(clock),
      metrics_(metrics),
      limits_(limits),
      log_(std::move(log)),
      open_clients_(limits.open_clients),
      open_bucket_(limits.open_rate_per_second, limits.open_burst) {}

std::string RequestDispatcher::new_request_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return fmt::format("{:016x}", generator());
}

std::string RequestDispatcher::client_key(std::string_view remote) {
  const std::string text(remote);
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1 || IN6_IS_ADDR_V4MAPPED(&v6)) return text;
  std::fill(v6.s6_addr + 8, v6.s6_addr + 16, 0);
  char prefix[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &v6, prefix, sizeof prefix);
  return std::string(prefix) + "/64";
}

DispatchOutcome RequestDispatcher::dispatch(const IncomingRequest& request) {
  std::string request_id = new_request_id();
  DispatchOutcome outcome = run(request, request_id);
  outcome.request_id = std::move(request_id);
  stamp(outcome);
  return outcome;
}

DispatchOutcome RequestDispatcher::refuse(unsigned status, std::string title, std::string detail) {
  DispatchOutcome outcome;
  outcome.request_id = new_request_id();
  outcome.response = problem(status, std::move(title), std::move(detail));
  if (status == 503) outcome.response.headers.emplace_back("Retry-After", "1");
  stamp(outcome);
  return outcome;
}

DispatchOutcome RequestDispatcher::run(const IncomingRequest& request, std::string request_id) {
  DispatchOutcome outcome;
  if (request.target.size() > limits_.target_bytes) {
    outcome.response =
        problem(414, "URI Too Long", fmt::format("request target longer than {} bytes", limits_.target_bytes));
    return outcome;
  }
  auto target = RequestTarget::parse(request.target, limits_.target_bytes, limits_.query_parameters);
  if (!target) {
    outcome.response = problem(400, "Bad Request", target.error().message);
    return outcome;
  }
  // HEAD is GET without the body (RFC 9110 9.3.2): the same route answers.
  const bool head = request.method == "HEAD";
  auto lookup = routes_.find(head ? std::string_view("GET") : std::string_view(request.method), target->path);
  if (!lookup.match) {
    if (lookup.allowed_methods.empty()) {
      outcome.response = problem(404, "Not Found", "no such resource");
    } else {
      auto& allowed = lookup.allowed_methods;
      if (std::find(allowed.begin(), allowed.end(), "GET") != allowed.end()) {
        allowed.insert(std::upper_bound(allowed.begin(), allowed.end(), "HEAD"), "HEAD");
      }
      outcome.response =
          problem(405, "Method Not Allowed", fmt::format("{} is not allowed here", request.method.substr(0, 16)));
      outcome.response.headers.emplace_back("Allow", fmt::format("{}", fmt::join(allowed, ", ")));
    }
    return outcome;
  }
  const RouteSpec& route = *lookup.match->route;
  outcome.route = route.name;

  if (route.access == Access::open && request.method != "GET" && !head) {
    if (request.body.size() > limits_.open_body_bytes) {
      outcome.response =
          problem(413, "Content Too Large", fmt::format("request body exceeds {} bytes", limits_.open_body_bytes));
      return outcome;
    }
    if (const auto wait = admit_open(request.remote)) {
      metrics_.request_rate_limited();
      outcome.response = problem(429, "Too Many Requests", "too many requests without a key; try again later");
      outcome.response.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds(*wait)));
      return outcome;
    }
  }
  if (route.access != Access::open) {
    const auto token = request.authorization ? bearer_token(*request.authorization) : std::nullopt;
    if (!token) {
      outcome.response = problem(401, "Unauthorized", "send an API key: Authorization: Bearer KEY");
      outcome.response.headers.emplace_back("WWW-Authenticate",
                                            request.authorization ? "Bearer error=\"invalid_token\"" : "Bearer");
      return outcome;
    }
    auto principal = authenticator_.authenticate(*token);
    if (!principal) {
      log_(fmt::format("request {}: the key store could not be asked: {}", request_id, principal.error().message));
      outcome.response = problem(503, "Service Unavailable", "the key store is unavailable; try again");
      outcome.response.headers.emplace_back("Retry-After", "1");
      return outcome;
    }
    if (!*principal) {
      outcome.response = problem(401, "Unauthorized", "unknown or revoked API key");
      outcome.response.headers.emplace_back("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return outcome;
    }
    outcome.principal = std::move(**principal);
    if (!admits(route.access, outcome.principal->role)) {
      outcome.response = problem(403, "Forbidden", "this key's role may not use this resource");
      return outcome;
    }
    if (const auto wait = rate_limiter_.admit(*outcome.principal)) {
      metrics_.request_rate_limited();
      outcome.response = problem(429, "Too Many Requests", "this key's request rate limit is exhausted");
      outcome.response.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds(*wait)));
      return outcome;
    }
  }

  auto params = ParamValidator::validate(route.params, target->query);
  if (!params.invalid.empty()) {
    outcome.response = problem(400, "Bad Request", "invalid query parameters", std::move(params.invalid));
    return outcome;
  }
  ApiRequest api_request;
  api_request.method = head ? std::string("GET") : request.method;
  api_request.target = request.target;
  api_request.path = std::move(lookup.match->path);
  api_request.query = std::move(params.values);
  api_request.body = request.body;
  api_request.content_type = request.content_type;
  api_request.principal = outcome.principal;
  api_request.request_id = request_id;
  try {
    outcome.response = route.handler(api_request, context_);
  } catch (const std::exception& e) {
    log_(fmt::format("request {}: route {} failed: {}", request_id, route.name, e.what()));
    outcome.response = problem(500, "Internal Server Error", "the server failed; quote the request id");
  } catch (...) {
    log_(fmt::format("request {}: route {} failed with an unknown exception", request_id, route.name));
    outcome.response = problem(500, "Internal Server Error", "the server failed; quote the request id");
  }
  return outcome;
}

std::optional<std::chrono::nanoseconds> RequestDispatcher::admit_open(std::string_view remote) {
  const Nanos now = clock_.now();
  const RateLimit per_client{limits_.open_client_rate_per_second, limits_.open_client_burst};
  if (auto wait = open_clients_.admit(client_key(remote), per_client, now)) return wait;
  std::lock_guard lock(open_mutex_);
  if (open_bucket_.try_take(now)) return std::nullopt;
  return open_bucket_.next_token(now) - now;
}

void RequestDispatcher::finish(const IncomingRequest& request, const DispatchOutcome& outcome, std::uint64_t bytes) {
  const auto duration = clock_.now() - request.arrived;
  metrics_.record_request(outcome.route, outcome.response.status, duration);
  AuditEntry entry;
  entry.wall_time_ns = clock_.wall_now_ns();
  if (outcome.principal) {
    entry.key_id = outcome.principal->key_id;
    entry.key_name = outcome.principal->key_name;
  }
  entry.method = request.method;
  entry.target = request.target.substr(0, limits_.target_bytes);
  entry.route = outcome.route;
  entry.status = outcome.response.status;
  entry.bytes = bytes;
  entry.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
  entry.remote = request.remote;
  entry.request_id = outcome.request_id;
  audit_.record(std::move(entry));
}

}  // namespace fumidai::api
