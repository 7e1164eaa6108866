// The HTTP layer end to end: real sockets on 127.0.0.1, ephemeral ports.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ExpositionText.h"
#include "ServerTestSupport.h"
#include "fumidai/api/handlers/ApiRoutes.h"
#include "fumidai/api/server/RequestDispatcher.h"
#include "fumidai/api/server/TlsContext.h"
#include "fumidai/core/ManualClock.h"

namespace fumidai::api::testing {
namespace {

// A one-shot gate handlers wait on; the test opens it.
class Gate {
 public:
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }
  void arrive_and_wait() {
    std::unique_lock lock(mutex_);
    ++arrived_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
  }
  bool wait_for_arrivals(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kGuard, [&] { return arrived_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  int arrived_ = 0;
};

ParamSpec param(std::string name, ParamType type) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  return spec;
}

// A JSON string member as a std::string, for comparisons.
std::string text(const boost::json::value& value) { return std::string(value.as_string()); }

ApiResponse json(std::string body) {
  ApiResponse response;
  response.body = std::move(body);
  return response;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    register_api_routes(routes, metrics, cache, campaigns::CampaignService::load({}, cache_clock).value());
    add("GET", "/v1/echo/{word}", Access::open, [](const ApiRequest& request, HandlerContext&) {
      return json(boost::json::serialize(boost::json::value{{"word", request.path.at("word")}}));
    });
    RouteSpec params;
    params.method = "GET";
    params.pattern = "/v1/find";
    params.name = "find";
    params.access = Access::any_key;
    params.params = {param("asn", ParamType::asn), param("prefix", ParamType::cidr), param("n", ParamType::integer)};
    params.params[0].repeated = true;
    params.params[2].min = 0;
    params.params[2].max = 100000;
    params.handler = [](const ApiRequest& request, HandlerContext&) {
      boost::json::object out;
      for (const auto& [name, values] : request.query) out[name] = boost::json::value_from(values);
      return json(boost::json::serialize(out));
    };
    routes.add(std::move(params));
    add("POST", "/v1/find", Access::any_key, [](const ApiRequest& request, HandlerContext&) {
      return json(fmt::format(R"({{"bytes":{}}})", request.body.size()));
    });
    add("POST", "/v1/open", Access::open, [](const ApiRequest& request, HandlerContext&) {
      return json(fmt::format(R"({{"bytes":{}}})", request.body.size()));
    });
    add("GET", "/v1/admin", Access::admin, [](const ApiRequest&, HandlerContext&) { return json("{}"); });
    add("GET", "/v1/throws", Access::open,
        [](const ApiRequest&, HandlerContext&) -> ApiResponse { throw std::runtime_error("handler bug"); });
    add("GET", "/v1/slow", Access::open, [this](const ApiRequest&, HandlerContext&) {
      gate.arrive_and_wait();
      return json(R"({"slow":true})");
    });
  }

  void add(std::string method, std::string pattern, Access access, Handler handler) {
    RouteSpec route;
    route.method = std::move(method);
    route.name = pattern;
    route.pattern = std::move(pattern);
    route.access = access;
    route.handler = std::move(handler);
    routes.add(std::move(route));
  }

  static boost::json::object body(const http::response<http::string_body>& response) {
    return boost::json::parse(response.body()).as_object();
  }

  ManualClock cache_clock;
  ResponseCache cache{cache_clock, Nanos{0}, 0};
  RouteRegistry routes;
  ServerMetrics metrics;
  Gate gate;
};

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  TestServer server(routes, metrics);
  Client client(server.port());
  for (int i = 0; i < 5; ++i) {
    auto response = client.get("/healthz");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ(response->body(), R"({"status":"ok"})");
    EXPECT_EQ((*response)["X-Request-Id"].size(), 16u);
    EXPECT_TRUE(response->keep_alive());
  }
  auto echoed = client.get("/v1/echo/caf%C3%A9");
  ASSERT_TRUE(echoed);
  EXPECT_EQ(text(body(*echoed).at("word")), "caf\xc3\xa9");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  TestServer server(routes, metrics);
  Client client(server.port());
  auto missing = client.get("/v1/nothing");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->result_int(), 404u);
  EXPECT_EQ((*missing)[http::field::content_type], "application/problem+json");
  EXPECT_EQ(text(body(*missing).at("request_id")), (*missing)["X-Request-Id"]);
  client.send("DELETE /v1/find HTTP/1.1\r\nHost: t\r\n\r\n");
  auto wrong = client.read();
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->result_int(), 405u);
  EXPECT_EQ((*wrong)[http::field::allow], "GET, HEAD, POST");
}

TEST_F(ServerTest, KeysAreCheckedAndRateLimited) {
  TestServer server(routes, metrics);
  server.authenticator.add("analyst-key", 1, Role::analyst);
  server.authenticator.add("researcher-key", 2, Role::researcher);
  server.authenticator.add("limited-key", 3, Role::admin);
  server.rate_limiter.limit(3);
  Client client(server.port());

  auto none = client.get("/v1/find");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->result_int(), 401u);
  EXPECT_EQ((*none)[http::field::www_authenticate], "Bearer");
  auto unknown = client.get("/v1/find", "Authorization: Bearer nope\r\n");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->result_int(), 401u);
  EXPECT_EQ((*unknown)[http::field::www_authenticate], "Bearer error=\"invalid_token\"");
  auto malformed = client.get("/v1/find", "Authorization: Basic dXNlcjpwYXNz\r\n");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->result_int(), 401u);

  auto allowed = client.get("/v1/find", "Authorization: Bearer analyst-key\r\n");
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->result_int(), 200u);
  auto forbidden = client.get("/v1/admin", "Authorization: bearer researcher-key\r\n");
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->result_int(), 403u);
  auto limited = client.get("/v1/admin", "Authorization: Bearer limited-key\r\n");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->result_int(), 429u);
  EXPECT_EQ((*limited)[http::field::retry_after], "3");

  server.authenticator.fail(true);
  auto store_down = client.get("/v1/find", "Authorization: Bearer analyst-key\r\n");
  ASSERT_TRUE(store_down);
  EXPECT_EQ(store_down->result_int(), 503u);
  EXPECT_EQ(server.metrics.render().find("fumidai_api_rate_limited_total 1") != std::string::npos, true);
}

TEST_F(ServerTest, BadParametersAre400NamingEveryOne) {
  TestServer server(routes, metrics);
  server.authenticator.add("k", 1, Role::admin);
  Client client(server.port());
  auto bad = client.get("/v1/find?asn=AS0&prefix=10.0.0.1/8&colour=red&n=x", "Authorization: Bearer k\r\n");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->result_int(), 400u);
  const auto document = body(*bad);
  std::vector<std::string> names;
  for (const auto& param : document.at("invalid_params").as_array()) {
    names.emplace_back(param.as_object().at("name").as_string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"asn", "prefix", "colour", "n"}));

  auto good = client.get("/v1/find?asn=AS64496&asn=64497&prefix=2001:DB8::/32", "Authorization: Bearer k\r\n");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->result_int(), 200u);
  EXPECT_EQ(good->body(), R"({"asn":["64496","64497"],"prefix":["2001:db8::/32"]})");
}

TEST_F(ServerTest, InvalidUtf8NulAndTraversalAre400) {
  TestServer server(routes, metrics);
  Client client(server.port());
  for (const char* target : {"/v1/echo/%ff", "/v1/echo/a%00b", "/v1/echo/%C0%AF", "/v1/../healthz", "/v1/echo/%2e%2e",
                             "/v1//echo", "/healthz?x=%0d%0a"}) {
    auto response = client.get(target);
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->result_int(), 400u) << target;
    EXPECT_EQ((*response)[http::field::content_type], "application/problem+json");
  }
  auto healthy = client.get("/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->result_int(), 200u);
}

TEST_F(ServerTest, OversizedHeaderIs431AndOversizedBodyIs413) {
  ServerLimits limits;
  limits.header_bytes = 2048;
  limits.body_bytes = 1024;
  TestServer server(routes, metrics, limits);
  {
    Client client(server.port());
    client.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
    auto response = client.read();
    if (response) {
      EXPECT_EQ(response->result_int(), 431u);  // or the connection simply closed
    }
    EXPECT_TRUE(!response || client.closed_by_server());
  }
  {
    Client client(server.port());
    client.send("POST /v1/find HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'b'));
    auto response = client.read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 413u);
    EXPECT_TRUE(client.closed_by_server());
  }
  Client client(server.port());
  auto healthy = client.get("/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->result_int(), 200u);
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponseBeforeTheBody) {
  TestServer server(routes, metrics);
  server.authenticator.add("k", 1, Role::admin);
  Client client(server.port());
  client.send(
      "POST /v1/find HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer k\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  // The body has not been sent: only the interim response can come now.
  auto interim = client.read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100u);
  client.send("hello");
  auto answer = client.read();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->result_int(), 200u);
  EXPECT_EQ(answer->body(), R"({"bytes":5})");
  // Without the expectation, no interim response: the next answer is the final one.
  client.send("POST /v1/find HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer k\r\nContent-Length: 2\r\n\r\nhi");
  auto plain = client.read();
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->result_int(), 200u);
  EXPECT_EQ(plain->body(), R"({"bytes":2})");
}

TEST_F(ServerTest, ExpectContinueBeyondTheBodyLimitIs413AtOnce) {
  ServerLimits limits;
  limits.body_bytes = 1024;
  TestServer server(routes, metrics, limits);
  server.authenticator.add("k", 1, Role::admin);
  Client client(server.port());
  client.send(
      "POST /v1/find HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer k\r\nContent-Length: 5000\r\n"
      "Expect: 100-continue\r\n\r\n");
  auto answer = client.read();  // without a byte of the body sent
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->result_int(), 413u);
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, HeadIsGetWithoutTheBody) {
  TestServer server(routes, metrics);
  {
    Client client(server.port());
    auto got = client.get("/v1/echo/word");
    ASSERT_TRUE(got);
    client.send("HEAD /v1/echo/word HTTP/1.1\r\nHost: t\r\n\r\n");
    auto head = client.read(1024, true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->result_int(), 200u);
    EXPECT_EQ((*head)[http::field::content_length], std::to_string(got->body().size()));
    EXPECT_EQ((*head)[http::field::content_type], "application/json");
    EXPECT_TRUE(head->body().empty());
    // No body bytes were sent: the next response on the connection parses.
    client.send("HEAD /v1/nothing HTTP/1.1\r\nHost: t\r\n\r\n");
    auto missing = client.read(1024, true);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->result_int(), 404u);
    auto again = client.get("/healthz");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body(), R"({"status":"ok"})");
  }
  server.stop();
  const auto entries = server.audit.entries();
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[1].method, "HEAD");
  EXPECT_EQ(entries[1].route, "/v1/echo/{word}");
  EXPECT_EQ(entries[1].bytes, 0u);
}

TEST_F(ServerTest, OpenRoutesThatChangeStateShareABudgetAndTakeSmallBodies) {
  ServerLimits limits;
  limits.open_rate_per_second = 0.001;  // no token comes back while the test runs
  limits.open_burst = 2;
  limits.open_body_bytes = 64;
  TestServer server(routes, metrics, limits);
  Client client(server.port());
  const auto post = [&](const std::string& body) {
    client.send("POST /v1/open HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                body);
    return client.read();
  };
  auto big = post(std::string(65, 'x'));  // refused before it costs a token
  ASSERT_TRUE(big);
  EXPECT_EQ(big->result_int(), 413u);
  for (int i = 0; i < 2; ++i) {
    auto admitted = post("{}");
    ASSERT_TRUE(admitted);
    EXPECT_EQ(admitted->result_int(), 200u);
  }
  auto refused = post("{}");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 429u);
  EXPECT_GE(std::stoll(std::string((*refused)[http::field::retry_after])), 1);
  // Reads of open routes are not in that budget.
  for (int i = 0; i < 5; ++i) {
    auto health = client.get("/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->result_int(), 200u);
  }
}

TEST(RequestDispatcher, AnIpv6CallerIsItsSlash64) {
  EXPECT_EQ(RequestDispatcher::client_key("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(RequestDispatcher::client_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(RequestDispatcher::client_key("2001:db8:1:2::9"), "2001:db8:1:2::/64");
  EXPECT_EQ(RequestDispatcher::client_key("::ffff:192.0.2.7"), "::ffff:192.0.2.7");
  EXPECT_EQ(RequestDispatcher::client_key(""), "");
}

TEST_F(ServerTest, EachCallerOfTheOpenRoutesHasABudgetOfItsOwn) {
  ServerLimits limits;
  limits.open_client_rate_per_second = 0.001;  // no token comes back while the test runs
  limits.open_client_burst = 2;
  TestServer server(routes, metrics, limits);
  const auto post = [](Client& client) {
    client.send("POST /v1/open HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}");
    return client.read();
  };
  Client first(server.port());
  for (int i = 0; i < 2; ++i) EXPECT_EQ(post(first)->result_int(), 200u);
  auto refused = post(first);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 429u);
  EXPECT_GE(std::stoll(std::string((*refused)[http::field::retry_after])), 1);
  // Another address has its own budget; the first's stays spent.
  Client second(server.port(), nullptr, "127.0.0.2");
  for (int i = 0; i < 2; ++i) EXPECT_EQ(post(second)->result_int(), 200u);
  EXPECT_EQ(post(second)->result_int(), 429u);
  Client first_again(server.port());
  EXPECT_EQ(post(first_again)->result_int(), 429u);
}

TEST_F(ServerTest, CampaignRoutesRefuseResearchersAndOptoutListsAreAdminOnly) {
  TestServer server(routes, metrics);
  server.authenticator.add("researcher", 2, Role::researcher);
  server.authenticator.add("analyst", 3, Role::analyst);
  Client client(server.port());
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"POST", "/v1/campaigns"},
                                                        {"GET", "/v1/campaigns"},
                                                        {"GET", "/v1/campaigns/1"},
                                                        {"GET", "/v1/campaigns/1/recipients"},
                                                        {"GET", "/v1/campaigns/1/letters"},
                                                        {"GET", "/v1/campaigns/1/letters/1"},
                                                        {"GET", "/v1/campaigns/1/letters/1.eml"},
                                                        {"POST", "/v1/campaigns/1/letters/1/ack"},
                                                        {"GET", "/v1/campaigns/1/remediation"},
                                                        {"GET", "/v1/optouts"}}) {
    client.send(method + " " + target + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer researcher\r\n" +
                (method == "POST" ? "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" : "\r\n"));
    auto response = client.read();
    ASSERT_TRUE(response) << method << " " << target;
    EXPECT_EQ(response->result_int(), 403u) << method << " " << target;
  }
  auto analyst = client.get("/v1/optouts", "Authorization: Bearer analyst\r\n");
  ASSERT_TRUE(analyst);
  EXPECT_EQ(analyst->result_int(), 403u);
  // The link pages need no key, and a GET shows a form only.
  auto page = client.get("/v1/ack/sometoken");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->result_int(), 200u);
  EXPECT_EQ((*page)[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_NE(page->body().find(R"(method="post")"), std::string::npos);
}

TEST_F(ServerTest, SlowlorisIsClosedAfterTheReadTimeout) {
  ServerLimits limits;
  limits.read_timeout = 200ms;
  TestServer server(routes, metrics, limits);
  Client client(server.port());
  client.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ");
  // No more bytes: the server must give up on its own.
  EXPECT_TRUE(client.closed_by_server());
}

TEST_F(ServerTest, PipelinedFloodIsAnsweredInOrder) {
  TestServer server(routes, metrics);
  Client client(server.port());
  std::string flood;
  constexpr int kRequests = 1000;
  for (int i = 0; i < kRequests; ++i) flood += fmt::format("GET /v1/echo/w{} HTTP/1.1\r\nHost: t\r\n\r\n", i);
  client.send(flood);
  int answered = 0;
  for (; answered < kRequests; ++answered) {
    auto response = client.read();
    if (!response) break;  // closing is allowed; answering out of order is not
    ASSERT_EQ(text(body(*response).at("word")), fmt::format("w{}", answered));
  }
  EXPECT_EQ(answered, kRequests);
  Client after(server.port());
  auto healthy = after.get("/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->result_int(), 200u);
}

TEST_F(ServerTest, ConnectionsBeyondTheCapAreClosedAtOnce) {
  ServerLimits limits;
  limits.max_connections = 2;
  TestServer server(routes, metrics, limits);
  Client first(server.port());
  Client second(server.port());
  ASSERT_TRUE(first.get("/healthz"));
  ASSERT_TRUE(second.get("/healthz"));
  Client third(server.port());
  EXPECT_TRUE(third.closed_by_server());
  EXPECT_EQ(server.metrics.refused_connections(), 1u);
  auto still = first.get("/healthz");
  ASSERT_TRUE(still);
  EXPECT_EQ(still->result_int(), 200u);
}

TEST_F(ServerTest, ThrowingHandlerIs500AndTheServerKeepsServing) {
  TestServer server(routes, metrics);
  Client client(server.port());
  auto failed = client.get("/v1/throws");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->result_int(), 500u);
  const std::string id = (*failed)["X-Request-Id"];
  EXPECT_EQ(text(body(*failed).at("request_id")), id);
  auto log = server.log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find(id), std::string::npos);
  EXPECT_NE(log[0].find("handler bug"), std::string::npos);
  auto healthy = client.get("/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->result_int(), 200u);
}

TEST_F(ServerTest, FullWorkerQueueIs503WithRetryAfter) {
  ServerLimits limits;
  limits.worker_queue = 1;
  TestServer server(routes, metrics, limits, nullptr, 1);
  Client running(server.port());
  running.send("GET /v1/slow HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(gate.wait_for_arrivals(1));  // the only worker is busy
  Client queued(server.port());
  queued.send("GET /v1/slow HTTP/1.1\r\nHost: t\r\n\r\n");
  // The queued request is invisible from outside; retry until the queue is full.
  std::optional<http::response<http::string_body>> refused;
  for (int attempt = 0; attempt < 200; ++attempt) {
    Client extra(server.port());
    refused = extra.get("/healthz");
    if (refused && refused->result_int() == 503) break;
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->result_int(), 503u);
  EXPECT_EQ((*refused)[http::field::retry_after], "1");
  gate.open();
  auto first = running.read();
  auto second = queued.read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->result_int(), 200u);
  EXPECT_EQ(second->result_int(), 200u);
}

TEST_F(ServerTest, ShutdownLetsTheRequestInFlightFinish) {
  TestServer server(routes, metrics);
  Client busy(server.port());
  Client idle(server.port());
  ASSERT_TRUE(idle.get("/healthz"));
  busy.send("GET /v1/slow HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(gate.wait_for_arrivals(1));
  std::thread stopper([&] { server.stop(); });
  EXPECT_TRUE(idle.closed_by_server());  // idle keep-alive connections close at once
  gate.open();
  auto response = busy.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_FALSE(response->keep_alive());
  stopper.join();  // run() returned
  EXPECT_THROW(Client late(server.port()), boost::system::system_error);
}

// Counts its chunks and how many pulls overlap (must stay 1).
class CountingStream : public BodyStream {
 public:
  CountingStream(std::size_t chunks, std::size_t chunk_bytes, std::atomic<std::size_t>& pulled,
                 std::atomic<int>& concurrent, std::atomic<int>& max_concurrent)
      : chunks_(chunks),
        chunk_bytes_(chunk_bytes),
        pulled_(pulled),
        concurrent_(concurrent),
        max_concurrent_(max_concurrent) {}
  Result<std::optional<std::string>> next_chunk() override {
    const int now = ++concurrent_;
    int seen = max_concurrent_.load();
    while (now > seen && !max_concurrent_.compare_exchange_weak(seen, now)) {
    }
    std::optional<std::string> chunk;
    if (next_ < chunks_) chunk = fmt::format("{:0{}}\n", next_++, chunk_bytes_ - 1);
    if (chunk) ++pulled_;
    --concurrent_;
    return chunk;
  }

 private:
  std::size_t chunks_, chunk_bytes_, next_ = 0;
  std::atomic<std::size_t>& pulled_;
  std::atomic<int>& concurrent_;
  std::atomic<int>& max_concurrent_;
};

TEST_F(ServerTest, StreamsManyChunksPullingOnlyAsTheClientReads) {
  std::atomic<std::size_t> pulled{0};
  std::atomic<int> concurrent{0}, max_concurrent{0};
  constexpr std::size_t kChunks = 20000, kChunkBytes = 2048;
  add("GET", "/v1/export", Access::open, [&](const ApiRequest&, HandlerContext&) {
    ApiResponse response;
    response.content_type = "application/x-ndjson";
    response.stream = std::make_unique<CountingStream>(kChunks, kChunkBytes, pulled, concurrent, max_concurrent);
    return response;
  });
  TestServer server(routes, metrics);
  Client client(server.port());
  client.send("GET /v1/export HTTP/1.1\r\nHost: t\r\n\r\n");
  // Not reading: the server may fill the socket buffers, then must stop pulling.
  std::size_t before = 0;
  for (int settle = 0; settle < 2000; ++settle) {
    std::this_thread::sleep_for(50ms);
    const std::size_t now = pulled.load();
    if (now == before && now > 0) break;
    before = now;
  }
  EXPECT_LT(pulled.load(), kChunks / 2) << "the stream ran ahead of a client that does not read";
  auto response = client.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_TRUE(response->chunked());
  EXPECT_EQ(response->body().size(), kChunks * kChunkBytes);
  EXPECT_EQ(response->body().substr((kChunks - 1) * kChunkBytes),
            fmt::format("{:0{}}\n", kChunks - 1, kChunkBytes - 1));
  EXPECT_EQ(pulled.load(), kChunks);
  EXPECT_EQ(max_concurrent.load(), 1);
  auto healthy = client.get("/healthz");  // the connection is still good after the last chunk
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->result_int(), 200u);
}

TEST_F(ServerTest, AuditsEveryRequestAndCountsItInMetrics) {
  TestServer server(routes, metrics);
  server.authenticator.add("k", 7, Role::analyst);
  {
    Client client(server.port());
    ASSERT_TRUE(client.get("/v1/find?n=5", "Authorization: Bearer k\r\n"));
    ASSERT_TRUE(client.get("/v1/nothing"));
    ASSERT_TRUE(client.get("/v1/find"));
  }
  server.stop();  // every response written and audited
  const auto entries = server.audit.entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].route, "find");
  EXPECT_EQ(entries[0].status, 200u);
  EXPECT_EQ(entries[0].key_id, 7);
  EXPECT_EQ(entries[0].key_name, "key-k");
  EXPECT_EQ(entries[0].target, "/v1/find?n=5");
  EXPECT_EQ(entries[0].remote, "127.0.0.1");
  EXPECT_EQ(entries[0].bytes, std::string(R"({"n":["5"]})").size());
  EXPECT_EQ(entries[0].request_id.size(), 16u);
  EXPECT_EQ(entries[1].route, "");
  EXPECT_EQ(entries[1].status, 404u);
  EXPECT_FALSE(entries[1].key_id);
  EXPECT_EQ(entries[2].status, 401u);

  const auto samples = parse_exposition(server.metrics.render());
  ASSERT_TRUE(samples) << samples.error().message;
  EXPECT_EQ(samples->at(R"(fumidai_api_requests_total{route="find",status="200"})"), 1);
  EXPECT_EQ(samples->at(R"(fumidai_api_requests_total{route="unmatched",status="404"})"), 1);
  EXPECT_EQ(samples->at(R"(fumidai_api_request_duration_seconds_count{route="find"})"), 2);
}

TEST_F(ServerTest, MetricsAndReadinessRoutes) {
  TestServer server(routes, metrics);
  Client client(server.port());
  ASSERT_TRUE(client.get("/healthz"));
  auto exposition = client.get("/metrics");
  ASSERT_TRUE(exposition);
  EXPECT_EQ(exposition->result_int(), 200u);
  EXPECT_EQ((*exposition)[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const auto samples = parse_exposition(exposition->body());
  ASSERT_TRUE(samples) << samples.error().message;
  EXPECT_TRUE(samples->count("fumidai_api_open_connections"));
  auto ready = client.get("/readyz");  // this test has no database
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->result_int(), 503u);
  EXPECT_NE(body(*ready).at("detail").as_string().find("no database in this test"), std::string::npos);
}

// A self-signed certificate made by the openssl CLI in a temporary directory.
class TlsFiles {
 public:
  TlsFiles() : dir_(std::filesystem::temp_directory_path() / fmt::format("fumidai-tls-{}", ::getpid())) {
    std::filesystem::create_directories(dir_);
    const std::string command = fmt::format(
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout {}/key.pem -out {}/cert.pem -days 1 -subj /CN=localhost "
        ">/dev/null 2>&1",
        dir_.string(), dir_.string());
    made_ = std::system(command.c_str()) == 0;
  }
  ~TlsFiles() { std::filesystem::remove_all(dir_); }
  bool made() const { return made_; }
  std::filesystem::path cert() const { return dir_ / "cert.pem"; }
  std::filesystem::path key() const { return dir_ / "key.pem"; }
  std::filesystem::path dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  bool made_ = false;
};

TEST_F(ServerTest, ServesOverTlsWithKeepAlive) {
  TlsFiles files;
  ASSERT_TRUE(files.made());
  auto tls = TlsContext::load(files.cert(), files.key());
  ASSERT_TRUE(tls) << tls.error().message;
  TestServer server(routes, metrics, {}, *tls);
  boost::asio::ssl::context client_tls(boost::asio::ssl::context::tls_client);
  client_tls.set_verify_mode(boost::asio::ssl::verify_none);
  BasicClient<boost::asio::ssl::stream<boost::beast::tcp_stream>> client(server.port(), &client_tls);
  for (int i = 0; i < 3; ++i) {
    auto response = client.get("/healthz");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
  }
  const std::string protocol = SSL_get_version(client.stream().native_handle());
  EXPECT_TRUE(protocol == "TLSv1.2" || protocol == "TLSv1.3") << protocol;
  // A plain HTTP client gets nothing but a closed connection.
  Client plain(server.port());
  plain.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_FALSE(plain.read());
}

TEST(TlsContextTest, BadFilesAreClearErrors) {
  TlsFiles files;
  ASSERT_TRUE(files.made());
  auto missing = TlsContext::load(files.dir() / "none.pem", files.key());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("none.pem: no such file"), std::string::npos);
  auto swapped = TlsContext::load(files.key(), files.cert());
  ASSERT_FALSE(swapped);
  EXPECT_NE(swapped.error().message.find("not a PEM certificate chain"), std::string::npos) << swapped.error().message;
  std::filesystem::path other_key = files.dir() / "other.pem";
  ASSERT_EQ(std::system(fmt::format("openssl genrsa -out {} 2048 >/dev/null 2>&1", other_key.string()).c_str()), 0);
  auto mismatched = TlsContext::load(files.cert(), other_key);
  ASSERT_FALSE(mismatched);
  EXPECT_NE(mismatched.error().message.find("does not match"), std::string::npos) << mismatched.error().message;
}

}  // namespace
}  // namespace fumidai::api::testing
