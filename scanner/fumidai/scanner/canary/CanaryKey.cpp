#include "fumidai/scanner/canary/CanaryKey.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "fumidai/core/Hex.h"

namespace fumidai::scanner {
namespace {

// The hex key, a line end and room for stray whitespace.
constexpr std::size_t kMaxFileBytes = 2 * CanaryKey::kMaxBytes + 64;

std::string_view trim_whitespace(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Closes the descriptor on every path out.
struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<CanaryKey> CanaryKey::from_hex(std::string_view hex) {
  hex = trim_whitespace(hex);
  if (hex.size() % 2 != 0) return make_input_error("canary key: odd number of hex digits");
  if (hex.size() / 2 < kMinBytes || hex.size() / 2 > kMaxBytes)
    return make_input_error(
        fmt::format("canary key: {} bytes; it must have {} to {} (hex)", hex.size() / 2, kMinBytes, kMaxBytes));
  std::vector<std::uint8_t> bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = hex_digit_value(hex[i]);
    const int low = hex_digit_value(hex[i + 1]);
    if (high < 0 || low < 0) return make_input_error("canary key: not hex");
    bytes.push_back(static_cast<std::uint8_t>(high << 4 | low));
  }
  return CanaryKey(std::move(bytes));
}

Result<CanaryKey> CanaryKey::load(const std::string& path) {
  const FdCloser file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) return make_input_error(fmt::format("cannot open canary key {}: {}", path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(file.fd, &st) != 0)
    return make_error(fmt::format("cannot stat canary key {}: {}", path, std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return make_input_error(fmt::format("canary key {} is not a regular file", path));
  // Whoever reads the key can forge the canary's proofs.
  if ((st.st_mode & 077) != 0)
    return make_input_error(fmt::format("canary key {} is readable by group or others (chmod 600 it)", path));
  std::string text(kMaxFileBytes + 1, '\0');
  std::size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t n = ::read(file.fd, text.data() + filled, text.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(fmt::format("cannot read canary key {}: {}", path, std::strerror(errno)));
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  if (filled > kMaxFileBytes) return make_input_error(fmt::format("canary key {} is too long", path));
  text.resize(filled);
  auto key = from_hex(text);
  if (!key) return make_input_error(fmt::format("{}: {}", path, key.error().message));
  return key;
}

Result<void> CanaryKey::write_new(const std::string& path) {
  std::array<std::uint8_t, kNewKeyBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    return make_error("cannot make a canary key: OpenSSL's random generator failed");
  const std::string text = to_hex(std::span(bytes.data(), bytes.size())) + "\n";
  OPENSSL_cleanse(bytes.data(), bytes.size());
  const FdCloser file{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
  if (file.fd < 0) return make_input_error(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(file.fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(file.fd) != 0) return make_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  return {};
}

std::string CanaryKey::proof(std::string_view token) const {
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  // Cannot fail for SHA-256 with a key and message in memory.
  HMAC(EVP_sha256(), bytes_.data(), static_cast<int>(bytes_.size()),
       reinterpret_cast<const unsigned char*>(token.data()), token.size(), mac.data(), &size);
  return to_hex(std::span(mac.data(), size));
}

std::string CanaryKey::answer(std::string_view token) const {
  return fmt::format("fumidai-canary {} {}\n", token, proof(token));
}

bool CanaryKey::proves(std::string_view body, std::string_view token) const {
  if (body.ends_with('\n')) body.remove_suffix(1);
  if (body.ends_with('\r')) body.remove_suffix(1);
  std::string expected = answer(token);
  expected.pop_back();  // its '\n'
  return body.size() == expected.size() && CRYPTO_memcmp(body.data(), expected.data(), body.size()) == 0;
}

}  // namespace fumidai::scanner
