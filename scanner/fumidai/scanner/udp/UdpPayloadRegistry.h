#pragma once
// UDP probe payloads by name. Built once at start-up
// (register_builtin_udp_payloads adds the ones that ship), then read-only and
// shared by the sender and receiver threads.
// Contract: add() before use; find() and names() are const and thread-safe
// afterwards.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/scanner/udp/UdpPayload.h"

namespace fumidai::scanner {

class UdpPayloadRegistry {
 public:
  // False (and nothing added) when the name is taken.
  bool add(std::unique_ptr<UdpPayload> payload);
  const UdpPayload* find(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::unique_ptr<UdpPayload>, std::less<>> payloads_;
};

// Registers every payload that ships with fumidai (one line each, in
// BuiltinUdpPayloads.cpp).
void register_builtin_udp_payloads(UdpPayloadRegistry& registry);

}  // namespace fumidai::scanner
