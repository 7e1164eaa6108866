#include "DeviceServer.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/ip/address_v4.hpp>

#include "SelfSignedCertificate.h"

namespace fumidai::lab {
namespace {

namespace asio = boost::asio;

Result<std::unique_ptr<asio::ssl::context>> make_tls_context(const DevicePersona& persona) {
  auto certificate = SelfSignedCertificate::generate(*persona.certificate);
  if (!certificate) {
    return make_error(fmt::format("persona {}: {}", persona.name, certificate.error().message));
  }
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(
      asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3, ec);
  // The context takes its own references to both.
  if (ec || SSL_CTX_use_certificate(context->native_handle(), certificate->certificate()) != 1 ||
      SSL_CTX_use_PrivateKey(context->native_handle(), certificate->key()) != 1) {
    return make_error(fmt::format("persona {}: cannot set up its TLS context", persona.name));
  }
  return context;
}

}  // namespace

Result<std::unique_ptr<DeviceServer>> DeviceServer::open(const DeviceConfig& config, Clock& clock) {
  std::unique_ptr<DeviceServer> server(new DeviceServer(config));
  const DeviceLimits& limits = server->config_.limits();
  for (const DevicePersona& persona : server->config_.personas()) {
    server->personas_.push_back(std::make_unique<PreparedPersona>(persona));
    std::unique_ptr<asio::ssl::context> tls;
    if (persona.certificate) {
      auto context = make_tls_context(persona);
      if (!context) return context.error();
      tls = std::move(*context);
    }
    server->tls_.push_back(std::move(tls));
  }

  // The connection limit is split evenly; SO_REUSEPORT spreads connections
  // evenly enough for a lab. A UDP endpoint goes to one worker, round robin,
  // so that its per-source rate limit is one counter.
  const std::size_t per_worker = (limits.max_connections + limits.threads - 1) / limits.threads;
  for (unsigned t = 0; t < limits.threads; ++t) {
    auto worker = std::make_unique<DeviceWorker>(clock, limits, per_worker);
    std::size_t udp_index = 0;
    for (std::size_t p = 0; p < server->config_.personas().size(); ++p) {
      const DevicePersona& persona = server->config_.personas()[p];
      for (const auto& listen : persona.listen) {
        if (listen.transport == DevicePersona::Transport::udp && udp_index++ % limits.threads != t) continue;
        boost::system::error_code ec;
        const auto address = asio::ip::make_address_v4(listen.ip, ec);
        if (ec) return make_input_error(fmt::format("persona {}: bad address {}", persona.name, listen.ip));
        DeviceEndpoint endpoint;
        endpoint.address = asio::ip::tcp::endpoint(address, listen.port);
        endpoint.transport = listen.transport;
        endpoint.persona = server->personas_[p].get();
        endpoint.tls = listen.tls ? server->tls_[p].get() : nullptr;
        if (auto ok = worker->listen(endpoint); !ok) {
          return make_error(fmt::format("persona {}: {}", persona.name, ok.error().message));
        }
      }
    }
    server->workers_.push_back(std::move(worker));
  }
  return server;
}

void DeviceServer::start() {
  for (auto& worker : workers_) threads_.emplace_back([w = worker.get()] { w->run(); });
}

void DeviceServer::stop() {
  for (auto& worker : workers_) worker->stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

// Members then go in reverse order: workers (and their sockets) before the
// TLS contexts and personas they borrow.
DeviceServer::~DeviceServer() { stop(); }

}  // namespace fumidai::lab
