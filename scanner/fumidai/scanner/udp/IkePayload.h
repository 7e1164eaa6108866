#pragma once
// UDP payload "ike" (500) and "ike-natt" (4500, behind the 4-byte non-ESP
// marker): an IKEv2 IKE_SA_INIT whose initiator SPI is the cookie, answered
// by any IKE responder (IKEv1-only ones reply with an INFORMATIONAL that
// carries the same SPI). The request is made once, at construction, with one
// KE value and nonce for the whole scan: stage 1 never completes an exchange,
// and build() then only copies and stamps the SPI.
#include <array>

#include "fumidai/scanner/udp/UdpPayload.h"

namespace fumidai::scanner {

class IkePayload final : public UdpPayload {
 public:
  explicit IkePayload(bool nat_traversal);
  std::string_view name() const override { return nat_traversal_ ? "ike-natt" : "ike"; }
  std::string_view protocol() const override { return "ike"; }
  std::size_t max_size() const override { return size_; }
  std::size_t build(const UdpCookie& cookie, std::span<std::uint8_t> out) const override;
  bool validate(std::span<const std::uint8_t> reply, const UdpCookie& cookie) const override;
  // The stage-2 ike module's fields for one message (ike::describe).
  boost::json::object describe(std::span<const std::uint8_t> reply) const override;

 private:
  static constexpr std::size_t kMarkerBytes = 4;
  static constexpr std::size_t kMaxBytes = 1024;
  // The message without the marker, or empty when there is none to strip.
  std::span<const std::uint8_t> message(std::span<const std::uint8_t> reply) const;

  bool nat_traversal_;
  std::array<std::uint8_t, kMaxBytes> request_{};
  std::size_t size_ = 0;
};

}  // namespace fumidai::scanner
