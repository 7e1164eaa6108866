// Fuzz target: what a SOCKS server sends back. The first byte picks the
// reply (0: SOCKS5 method reply, 1: SOCKS5 CONNECT reply, 2: SOCKS4 reply);
// the rest is the server's bytes. Every prefix of them is parsed, as the
// probe does while bytes arrive:
// 1. Once a prefix is an error, every longer one is (the probe stops there).
// 2. A complete method reply is exactly two bytes; a complete CONNECT or
//    SOCKS4 reply stays the same however many bytes follow it, and never
//    claims more bytes than there are or than the largest reply.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/socks/SocksCodec.h"

using namespace fumidai::scanner;

namespace {

template <class Reply, class Parse, class Same, class Check>
void every_prefix(std::span<const std::uint8_t> bytes, Parse parse, Same same, Check check) {
  bool failed = false;
  std::optional<Reply> first;
  for (std::size_t n = 0; n <= bytes.size(); ++n) {
    const auto result = parse(bytes.first(n));
    if (failed) {
      FUZZ_CHECK(!result);
      continue;
    }
    if (!result) {
      failed = true;
      continue;
    }
    if (!*result) {
      FUZZ_CHECK(!first);
      continue;
    }
    check(**result, n);
    if (first)
      FUZZ_CHECK(same(*first, **result));
    else
      first = **result;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      every_prefix<Socks5MethodReply>(
          bytes, parse_socks5_method_reply, [](const auto& a, const auto& b) { return a.method == b.method; },
          [&](const Socks5MethodReply& r, std::size_t n) {
            FUZZ_CHECK(n == 2);
            FUZZ_CHECK(r.method == bytes[1]);
          });
      break;
    case 1:
      every_prefix<Socks5ConnectReply>(
          bytes, parse_socks5_connect_reply,
          [](const auto& a, const auto& b) {
            return a.reply == b.reply && a.address_type == b.address_type && a.bound_address == b.bound_address &&
                   a.bound_port == b.bound_port && a.size == b.size;
          },
          [](const Socks5ConnectReply& r, std::size_t n) {
            FUZZ_CHECK(r.size <= n && r.size <= kMaxSocks5ConnectReplyBytes);
            FUZZ_CHECK(r.bound_address.size() <= 255);
          });
      break;
    default:
      every_prefix<Socks4Reply>(
          bytes, parse_socks4_reply,
          [](const auto& a, const auto& b) {
            return a.code == b.code && a.bound_port == b.bound_port && a.bound_ip == b.bound_ip;
          },
          [](const Socks4Reply& r, std::size_t n) {
            FUZZ_CHECK(n >= kSocks4ReplyBytes);
            FUZZ_CHECK(r.code >= 0x5a && r.code <= 0x5d);
          });
      break;
  }
  return 0;
}
