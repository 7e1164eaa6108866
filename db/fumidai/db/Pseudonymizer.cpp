#include "fumidai/db/Pseudonymizer.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <boost/asio/ip/address.hpp>
#include <pqxx/pqxx>

namespace fumidai::db {

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kPseudonymBytes = 16;

Result<Pseudonymizer> Pseudonymizer::load(Session& session, Pseudonymization mode) {
  if (mode != Pseudonymization::hmac) return Pseudonymizer(mode, {});
  std::array<unsigned char, kSecretBytes> fresh{};
  if (RAND_bytes(fresh.data(), static_cast<int>(fresh.size())) != 1) {
    return make_error("making the export secret: no randomness from OpenSSL");
  }
  std::string hex;
  for (const auto b : fresh) hex += fmt::format("{:02x}", b);
  return guarded("reading the export secret", [&]() -> Result<Pseudonymizer> {
    pqxx::work tx(session.connection());
    // Two servers starting at once: the first insert wins, both read it.
    tx.exec_params("INSERT INTO export_secrets (id, secret) VALUES (1, decode($1, 'hex')) ON CONFLICT DO NOTHING", hex);
    const auto row = tx.exec1("SELECT secret FROM export_secrets WHERE id = 1");
    const pqxx::binarystring secret(row[0]);
    tx.commit();
    return Pseudonymizer(mode, secret.str());
  });
}

std::string Pseudonymizer::address(const std::string& ip) const {
  boost::system::error_code error;
  auto parsed = boost::asio::ip::make_address(ip, error);
  if (error) return {};
  switch (mode_) {
    case Pseudonymization::none:
      return parsed.to_string();
    case Pseudonymization::prefix24:
      if (parsed.is_v4()) {
        auto bytes = parsed.to_v4().to_bytes();
        bytes[3] = 0;
        return boost::asio::ip::address_v4(bytes).to_string();
      } else {
        auto bytes = parsed.to_v6().to_bytes();
        for (std::size_t i = 6; i < bytes.size(); ++i) bytes[i] = 0;
        return boost::asio::ip::address_v6(bytes).to_string();
      }
    case Pseudonymization::hmac: {
      const std::string canonical = parsed.to_string();
      std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
      unsigned length = 0;
      HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
           reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest.data(), &length);
      std::string out;
      for (std::size_t i = 0; i < kPseudonymBytes && i < length; ++i) out += fmt::format("{:02x}", digest[i]);
      return out;
    }
  }
  return {};
}

}  // namespace fumidai::db
