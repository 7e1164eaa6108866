#pragma once
// Our side of IKE's first exchange: an IKEv2 IKE_SA_INIT request and an
// IKEv1 Main Mode first message, offering what routers and strongSwan accept
// so that a server answers with its choice rather than NO_PROPOSAL_CHOSEN.
// Neither leads anywhere: we derive no keys and send nothing after the first
// exchange. Pure functions, any thread; randomness comes from OpenSSL's RAND.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/probes/ike/IkeConstants.h"

namespace fumidai::scanner {

// Large enough for any request built here (the largest: IKEv2 with a
// MODP8192 value and a 64-byte cookie, about 1.5 kB).
inline constexpr std::size_t kIkeMaxRequestBytes = 2048;
inline constexpr std::size_t kIkeNonceBytes = 32;

using IkeSpi = std::array<std::uint8_t, kIkeSpiBytes>;

// The parts of an IKE_SA_INIT request that vary. A retry after COOKIE keeps
// all of them (the cookie is bound to the SPI and nonce: RFC 7296, 2.6).
struct Ikev2InitRequest {
  IkeSpi spi{};
  std::uint16_t dh_group = kDhModp2048;  // the KE payload's group, first among the DH transforms offered
  std::vector<std::uint8_t> ke_data;
  std::array<std::uint8_t, kIkeNonceBytes> nonce{};
  std::string cookie;  // non-empty: echoed in a COOKIE notify, the first payload
};

// A request with a fresh nonce and KE value for `dh_group`: random bytes with
// the top bit clear for MODP groups (less than any MODP prime, and no key is
// derived from it), a real public key for NIST curves (a peer checks the
// point), random bytes for Curve25519/448. An error for other groups or when
// the random generator fails.
Result<Ikev2InitRequest> make_ikev2_init_request(const IkeSpi& spi, std::uint16_t dh_group);

// Writes the request into `out` and returns its size; an error when `out` is
// too small or the cookie is longer than 64 bytes. Two proposals: AES-CBC or
// 3DES with HMAC-SHA2/SHA1, and AEAD (AES-GCM, ChaCha20-Poly1305); both offer
// the KE group and then MODP2048, ECP256, Curve25519, ECP384, MODP3072,
// MODP1536 and MODP1024.
Result<std::size_t> build_ikev2_sa_init(std::span<std::uint8_t> out, const Ikev2InitRequest& request);

// Main Mode's first message: one ISAKMP proposal with 24 transforms (AES-256,
// AES-128, 3DES × SHA2-256, SHA1 × PSK, RSA signatures × MODP2048, MODP1024,
// 8 hours), then the vendor IDs of RFC 3947 NAT-T and its drafts 02 and 03,
// DPD, XAUTH and IKE fragmentation, which make servers name theirs.
Result<std::size_t> build_ikev1_main_mode(std::span<std::uint8_t> out, const IkeSpi& cookie);

}  // namespace fumidai::scanner
