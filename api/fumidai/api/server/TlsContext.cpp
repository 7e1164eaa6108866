#include "fumidai/api/server/TlsContext.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <system_error>

namespace fumidai::api {
namespace {

// OpenSSL's reason for the last failure, or the error code's message.
std::string reason(const boost::system::error_code& ec) {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code != 0) {
    const char* text = ERR_reason_error_string(code);
    if (text != nullptr) return text;
  }
  return ec.message();
}

}  // namespace

TlsContext::TlsContext() : context_(boost::asio::ssl::context::tls_server) {}

Result<std::shared_ptr<TlsContext>> TlsContext::load(const std::filesystem::path& certificate_chain,
                                                     const std::filesystem::path& private_key) {
  std::shared_ptr<TlsContext> tls(new TlsContext());
  auto& context = tls->context_;
  SSL_CTX* native = context.native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    return make_error("cannot restrict TLS to version 1.2 and later");
  }
  context.set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_compression |
                      boost::asio::ssl::context::single_dh_use);
  ERR_clear_error();
  boost::system::error_code ec;
  for (const auto& path : {certificate_chain, private_key}) {
    std::error_code exists_ec;
    if (!std::filesystem::is_regular_file(path, exists_ec)) {
      return make_input_error(fmt::format("TLS file {}: no such file", path.string()));
    }
  }
  context.use_certificate_chain_file(certificate_chain.string(), ec);
  if (ec) {
    return make_input_error(
        fmt::format("TLS certificate {}: not a PEM certificate chain ({})", certificate_chain.string(), reason(ec)));
  }
  context.use_private_key_file(private_key.string(), boost::asio::ssl::context::pem, ec);
  // Asio took the error off the queue: its code is in `ec`.
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    ERR_clear_error();
    return make_input_error(
        fmt::format("TLS key {} does not match the certificate {}", private_key.string(), certificate_chain.string()));
  }
  if (ec) {
    return make_input_error(fmt::format("TLS key {}: not a PEM private key ({})", private_key.string(), reason(ec)));
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return make_input_error(
        fmt::format("TLS key {} does not match the certificate {}", private_key.string(), certificate_chain.string()));
  }
  return tls;
}

}  // namespace fumidai::api
