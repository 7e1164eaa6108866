#pragma once
// Every bound the HTTP layer enforces, in one place so `fumidai serve` and the
// tests can tighten them. The defaults suit an internet-facing API behind
// nothing: a client can hold at most one request's worth of memory and a
// connection slot for at most the timeouts below.
// Contract: a plain value, read-only once the server runs.
#include <chrono>
#include <cstddef>

namespace fumidai::api {

struct ServerLimits {
  std::size_t header_bytes = 8 * 1024;   // request line and headers (431 beyond)
  std::size_t body_bytes = 1024 * 1024;  // request body (413 beyond)
  std::size_t target_bytes = 8 * 1024;   // request target (414 beyond)
  std::size_t query_parameters = 64;     // query parameters per request (400 beyond)
  // The whole request (headers and body) must arrive within this once its
  // first byte has: a slowloris is cut off here.
  std::chrono::milliseconds read_timeout{10'000};
  // How long a keep-alive connection may sit idle between requests.
  std::chrono::milliseconds idle_timeout{30'000};
  // Each write (a response, or one chunk of a stream) must finish within this.
  std::chrono::milliseconds write_timeout{30'000};
  std::size_t max_connections = 1024;  // beyond: closed at once and counted
  std::size_t worker_queue = 256;      // handler jobs waiting; beyond: 503
  // On shutdown, in-flight requests and streams may finish within this.
  std::chrono::milliseconds drain_timeout{10'000};
  std::size_t requests_per_connection = 10'000;  // then the connection closes
  // Open routes that change state (a POST with no key: link tokens, opt-out
  // requests) are anybody's to call: each client (IPv4 address, IPv6 /64)
  // has a token bucket, and all share one more (429 with Retry-After beyond
  // either), so one client cannot spend everybody's budget, nor many clients
  // make the server mail abuse desks faster than the shared rate. They take
  // small bodies only (413 beyond).
  double open_client_rate_per_second = 0.2;
  double open_client_burst = 5;
  std::size_t open_clients = 10'000;  // clients tracked; beyond, idle ones are forgotten
  double open_rate_per_second = 2;
  double open_burst = 20;
  std::size_t open_body_bytes = 8 * 1024;
};

}  // namespace fumidai::api
