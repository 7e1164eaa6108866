#pragma once
// Politeness: how many connections are open at once to one address and to
// one /24. The engine asks may_start() before connecting, calls started()
// when it does and finished() when the connection's slot is free again.
// Memory is one map entry per address and per /24 with a connection open.
// Contract: not thread-safe (the engine's loop owns it).
#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace fumidai::scanner {

class PolitenessGate {
 public:
  PolitenessGate(std::size_t per_host, std::size_t per_prefix24) : per_host_(per_host), per_prefix_(per_prefix24) {}

  bool may_start(std::uint32_t ip) const;
  void started(std::uint32_t ip);
  void finished(std::uint32_t ip);
  std::size_t open_to_prefix(std::uint32_t ip) const { return count(prefixes_, prefix24(ip)); }

  static std::uint32_t prefix24(std::uint32_t ip) { return ip & 0xffffff00U; }

 private:
  static std::size_t count(const std::unordered_map<std::uint32_t, std::size_t>& m, std::uint32_t key);
  static void decrement(std::unordered_map<std::uint32_t, std::size_t>& m, std::uint32_t key);

  std::size_t per_host_;
  std::size_t per_prefix_;
  std::unordered_map<std::uint32_t, std::size_t> hosts_;
  std::unordered_map<std::uint32_t, std::size_t> prefixes_;
};

}  // namespace fumidai::scanner
