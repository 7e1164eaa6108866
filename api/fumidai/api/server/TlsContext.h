#pragma once
// The server's TLS settings: a PEM certificate chain and private key, TLS 1.2
// and later only.
// Contract: load() once at start-up; the context is then shared read-only by
// every TLS connection (OpenSSL's SSL_CTX is safe to use from many threads
// once configured). Must outlive the server.
#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <memory>

#include "fumidai/core/Error.h"

namespace fumidai::api {

class TlsContext {
 public:
  // An input error naming the file and OpenSSL's reason when a file is
  // missing or unreadable, is not PEM, or the key does not match the
  // certificate.
  static Result<std::shared_ptr<TlsContext>> load(const std::filesystem::path& certificate_chain,
                                                  const std::filesystem::path& private_key);

  boost::asio::ssl::context& context() { return context_; }

 private:
  TlsContext();
  boost::asio::ssl::context context_;
};

}  // namespace fumidai::api
