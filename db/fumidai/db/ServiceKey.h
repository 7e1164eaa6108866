#pragma once
// What makes an observation unique within a scan: (ip, port, transport), as
// the services table's key has it.
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace fumidai::db {

struct ServiceKey {
  std::array<unsigned char, 16> address{};  // IPv4 in the first 4 bytes
  bool v6 = false;
  bool udp = false;
  std::uint16_t port = 0;

  static ServiceKey of(const boost::asio::ip::address& ip, std::uint16_t port, bool udp) {
    ServiceKey key;
    key.v6 = ip.is_v6();
    if (key.v6) {
      key.address = ip.to_v6().to_bytes();
    } else {
      const auto bytes = ip.to_v4().to_bytes();
      std::memcpy(key.address.data(), bytes.data(), bytes.size());
    }
    key.port = port;
    key.udp = udp;
    return key;
  }

  // 19 bytes that identify the key, for digests.
  std::array<unsigned char, 19> bytes() const {
    std::array<unsigned char, 19> out{};
    std::memcpy(out.data(), address.data(), address.size());
    out[16] = static_cast<unsigned char>((v6 ? 2 : 0) | (udp ? 1 : 0));
    out[17] = static_cast<unsigned char>(port >> 8);
    out[18] = static_cast<unsigned char>(port & 0xff);
    return out;
  }

  friend bool operator==(const ServiceKey&, const ServiceKey&) = default;
};

struct ServiceKeyHash {
  std::size_t operator()(const ServiceKey& key) const {
    // FNV-1a over the identifying bytes: keys are addresses, not adversarial
    // for this set's size (one batch).
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char b : key.bytes()) h = (h ^ b) * 0x100000001b3ull;
    return static_cast<std::size_t>(h);
  }
};

}  // namespace fumidai::db
