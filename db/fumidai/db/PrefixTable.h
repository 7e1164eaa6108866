#pragma once
// Longest-prefix match over IPv4 and IPv6 in memory: one hash map per prefix
// length present, tried longest first. A routing table holds some 25 IPv4 and
// 40 IPv6 lengths, so a lookup is a few dozen hash probes, with no tree to
// walk and no per-node allocation.
// Contract: insert() while building (not thread-safe); find() is const and
// safe from any number of threads once building is over.
#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <boost/container_hash/hash.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace fumidai::db {

template <class Value>
class PrefixTable {
 public:
  // `network` must have no host bits set below `length` (parse_prefix sees to
  // that); a prefix inserted again replaces the earlier value.
  void insert(const boost::asio::ip::address& network, unsigned length, Value value) {
    if (network.is_v4()) {
      if (length > 32) return;
      const std::uint32_t key = mask_v4(network.to_v4().to_uint(), length);
      if (v4_[length].empty()) add_length(v4_lengths_, length);
      v4_[length].insert_or_assign(key, std::move(value));
    } else {
      if (length > 128) return;
      const V6Key key = mask_v6(to_key(network.to_v6()), length);
      if (v6_[length].empty()) add_length(v6_lengths_, length);
      v6_[length].insert_or_assign(key, std::move(value));
    }
  }

  // The value of the most specific prefix holding `ip`, or null. An
  // IPv4-mapped IPv6 address is looked up as the IPv4 address it carries.
  const Value* find(const boost::asio::ip::address& ip) const {
    if (ip.is_v4()) return find_v4(ip.to_v4().to_uint());
    const auto v6 = ip.to_v6();
    if (v6.is_v4_mapped()) {
      return find_v4(boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_uint());
    }
    const V6Key key = to_key(v6);
    for (const unsigned length : v6_lengths_) {
      const auto& map = v6_[length];
      if (const auto it = map.find(mask_v6(key, length)); it != map.end()) return &it->second;
    }
    return nullptr;
  }

  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& map : v4_) n += map.size();
    for (const auto& map : v6_) n += map.size();
    return n;
  }

 private:
  struct V6Key {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    bool operator==(const V6Key&) const = default;
  };
  struct V6Hash {
    std::size_t operator()(const V6Key& key) const {
      std::size_t seed = 0;
      boost::hash_combine(seed, key.high);
      boost::hash_combine(seed, key.low);
      return seed;
    }
  };

  static std::uint32_t mask_v4(std::uint32_t address, unsigned length) {
    return length == 0 ? 0 : address & (~std::uint32_t{0} << (32 - length));
  }
  static std::uint64_t mask64(std::uint64_t word, unsigned bits) {  // keep the top `bits` of 64
    return bits == 0 ? 0 : bits >= 64 ? word : word & (~std::uint64_t{0} << (64 - bits));
  }
  static V6Key mask_v6(V6Key key, unsigned length) {
    return {mask64(key.high, length), mask64(key.low, length > 64 ? length - 64 : 0)};
  }
  static V6Key to_key(const boost::asio::ip::address_v6& address) {
    const auto bytes = address.to_bytes();
    V6Key key;
    for (std::size_t i = 0; i < 8; ++i) key.high = key.high << 8 | bytes[i];
    for (std::size_t i = 8; i < 16; ++i) key.low = key.low << 8 | bytes[i];
    return key;
  }
  static void add_length(std::vector<unsigned>& lengths, unsigned length) {
    lengths.insert(std::upper_bound(lengths.begin(), lengths.end(), length, std::greater<>()), length);
  }

  const Value* find_v4(std::uint32_t address) const {
    for (const unsigned length : v4_lengths_) {
      const auto& map = v4_[length];
      if (const auto it = map.find(mask_v4(address, length)); it != map.end()) return &it->second;
    }
    return nullptr;
  }

  std::array<boost::unordered_flat_map<std::uint32_t, Value>, 33> v4_;
  std::array<boost::unordered_flat_map<V6Key, Value, V6Hash>, 129> v6_;
  std::vector<unsigned> v4_lengths_;  // lengths with entries, longest first
  std::vector<unsigned> v6_lengths_;
};

}  // namespace fumidai::db
