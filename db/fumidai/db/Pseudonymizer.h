#pragma once
// Addresses in exports shared for research (pseudonymize=...): prefix24
// zeroes an IPv4 address's last octet (IPv6: keeps the /48); hmac replaces
// the address with HMAC-SHA256(secret, address) truncated to 32 hex digits,
// so the same address maps to the same pseudonym across exports without
// being recoverable. The secret lives in the database (export_secrets,
// migration 0005) and is made on first use.
// Contract: immutable once loaded; thread-safe.
#include <string>

#include "fumidai/core/Error.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

enum class Pseudonymization { none, prefix24, hmac };

class Pseudonymizer {
 public:
  // Reads (hmac: creating if missing) the server's secret, in a transaction
  // of its own: call before ExposureExport::open on the same session.
  static Result<Pseudonymizer> load(Session& session, Pseudonymization mode);
  // For tests and tools that hold the secret themselves.
  Pseudonymizer(Pseudonymization mode, std::string secret) : mode_(mode), secret_(std::move(secret)) {}

  Pseudonymization mode() const { return mode_; }
  // `ip` as the mode has it; text that is not an address comes back empty.
  std::string address(const std::string& ip) const;

 private:
  Pseudonymization mode_;
  std::string secret_;  // raw bytes
};

}  // namespace fumidai::db
