#pragma once
// A TLS server on 127.0.0.1 (an ephemeral port) for tests: a fresh
// self-signed certificate, and for each connection the request head (up to
// "\r\n\r\n") handed to `handler(head)`, which returns the bytes to send
// back, or nothing to stay silent until the server stops (a peer that waits
// for a body that never comes). Records every request head. Loopback only.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "LoopbackServer.h"
#include "devices/SelfSignedCertificate.h"

namespace fumidai::test {

class LoopbackTlsServer {
 public:
  using Handler = std::function<std::optional<std::string>(const std::string& head)>;

  explicit LoopbackTlsServer(Handler handler)
      : handler_(std::move(handler)), context_(SSL_CTX_new(TLS_server_method())) {
    lab::CertificateSpec spec;
    spec.key = lab::CertificateSpec::KeyType::ec_p256;
    spec.subject = {{"CN", "loopback"}};
    spec.issuer = spec.subject;
    spec.not_before = "20240101000000Z";
    spec.not_after = "20340101000000Z";
    auto certificate = lab::SelfSignedCertificate::generate(spec);
    EXPECT_TRUE(certificate.has_value());
    certificate_.emplace(std::move(*certificate));
    SSL_CTX_use_certificate(context_.get(), certificate_->certificate());
    SSL_CTX_use_PrivateKey(context_.get(), certificate_->key());
    server_.emplace([this](int fd, const std::atomic<bool>& stopping) { serve(fd, stopping); });
  }
  // The server (and its threads) goes before the context its threads use.
  ~LoopbackTlsServer() { server_.reset(); }

  std::uint16_t port() const { return server_->port(); }
  std::vector<std::string> heads() const {
    std::lock_guard lock(mutex_);
    return heads_;
  }

 private:
  struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
  };
  struct ContextFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  };

  void serve(int fd, const std::atomic<bool>& stopping) {
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(context_.get()));
    SSL_set_fd(ssl.get(), fd);
    if (SSL_accept(ssl.get()) != 1) return;
    std::string head;
    char c;
    while (head.find("\r\n\r\n") == std::string::npos && SSL_read(ssl.get(), &c, 1) == 1) head += c;
    {
      std::lock_guard lock(mutex_);
      heads_.push_back(head);
    }
    const std::optional<std::string> reply = handler_(head);
    if (!reply) {
      while (!stopping) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return;
    }
    SSL_write(ssl.get(), reply->data(), static_cast<int>(reply->size()));
    SSL_shutdown(ssl.get());
  }

  Handler handler_;
  std::unique_ptr<SSL_CTX, ContextFree> context_;
  std::optional<lab::SelfSignedCertificate> certificate_;
  mutable std::mutex mutex_;
  std::vector<std::string> heads_;
  std::optional<LoopbackServer> server_;
};

}  // namespace fumidai::test
