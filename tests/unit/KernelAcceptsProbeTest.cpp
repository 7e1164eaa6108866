// Sends real probes through the real send and receive paths, on the loopback
// interface of a private network namespace this test creates: the kernel
// answering SYN-ACK proves it accepted our checksums, and its RST for a
// closed port proves the RST path; likewise for UDP and ICMP. Nothing leaves
// the namespace.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/io/FileDescriptor.h"
#include "fumidai/scanner/packet/SynProbeBuilder.h"
#include "fumidai/scanner/packet/UdpProbeBuilder.h"
#include "fumidai/scanner/recv/PacketReceiver.h"
#include "fumidai/scanner/scan/ResponseProcessor.h"
#include "fumidai/scanner/send/PacketSender.h"
#include "fumidai/scanner/udp/UdpCookie.h"
#include "fumidai/scanner/udp/UdpPayloadProfile.h"

using namespace fumidai;
using namespace fumidai::scanner;

namespace {

class CollectingOutput : public OutputModule {
 public:
  void write(const ScanResult& r) override { results.push_back(r); }
  Result<> finish() override { return {}; }
  std::vector<ScanResult> results;
};

bool enter_private_namespace_with_loopback() {
  if (::unshare(CLONE_NEWNET) != 0) return false;
  FileDescriptor fd(::socket(AF_INET, SOCK_DGRAM, 0));
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(fd.get(), SIOCGIFFLAGS, &req) != 0) return false;
  req.ifr_flags |= IFF_UP;
  if (::ioctl(fd.get(), SIOCSIFFLAGS, &req) != 0) return false;
  // Injected frames carry no route, so the kernel routes them as input, where
  // 127/8 counts as martian unless route_localnet allows it.
  for (const char* knob : {"/proc/sys/net/ipv4/conf/all/route_localnet", "/proc/sys/net/ipv4/conf/lo/route_localnet"}) {
    std::FILE* f = std::fopen(knob, "w");
    if (!f || std::fputs("1", f) < 0 || std::fclose(f) != 0) return false;
  }
  return true;
}

}  // namespace

TEST(KernelAcceptsProbe, SynAckForOpenPortRstForClosed) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
  ASSERT_TRUE(enter_private_namespace_with_loopback());
  const std::uint32_t scanner = 0x7F000002, target = 0x7F000001;  // 127.0.0.2 → 127.0.0.1

  FileDescriptor listener(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(target);
  address.sin_port = 0;
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener.get(), 16), 0);
  socklen_t length = sizeof(address);
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length);
  const std::uint16_t open_port = ntohs(address.sin_port);
  const std::uint16_t closed_port = open_port == 65535 ? 1 : open_port + 1;

  const int lo = static_cast<int>(::if_nametoindex("lo"));
  auto sender = PacketSender::open(lo);
  ASSERT_TRUE(sender) << sender.error().message;
  auto receiver = PacketReceiver::open(lo, scanner);
  ASSERT_TRUE(receiver) << receiver.error().message;

  const ProbeValidator validator({5, 6}, 40000, 40100, 1);
  const SynProbeBuilder builder({0}, {0}, scanner);
  std::vector<std::uint8_t> frames(2 * SynProbeBuilder::kFrameSize);
  for (int i = 0; i < 2; ++i) {
    const std::uint16_t port = i == 0 ? open_port : closed_port;
    const ProbeCookie c = validator.cookie(scanner, target, port);
    builder.build({target, port, validator.source_port(c, 0), c.sequence, 1},
                  std::span<std::uint8_t, SynProbeBuilder::kFrameSize>(frames.data() + i * SynProbeBuilder::kFrameSize,
                                                                       SynProbeBuilder::kFrameSize));
  }
  ASSERT_EQ(*sender->send(frames, SynProbeBuilder::kFrameSize, 2), 2u);

  ManualClock clock;
  ScanCounters counters;
  CollectingOutput out;
  ResponseProcessor processor(validator, scanner, true, out, clock, counters);
  for (int attempt = 0; attempt < 50 && out.results.size() < 2; ++attempt) {
    ASSERT_TRUE(receiver->poll(100, [&](std::span<const std::uint8_t> f) { processor.handle_frame(f); }));
  }
  ASSERT_EQ(out.results.size(), 2u);
  for (const auto& r : out.results) {
    EXPECT_EQ(r.ip, target);
    EXPECT_EQ(r.status, r.port == open_port ? ScanResult::Status::open : ScanResult::Status::closed);
  }
  EXPECT_EQ(counters.invalid.load(), 0u);
}

// UDP: a socket bound to the open port receives the DNS probe intact (the
// kernel verified our checksums) and answers it with the query's ID; the
// closed port gets the kernel's ICMP port unreachable. Both validate.
TEST(KernelAcceptsProbe, UdpReplyForOpenPortIcmpForClosed) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
  ASSERT_TRUE(enter_private_namespace_with_loopback());
  const std::uint32_t scanner = 0x7F000002, target = 0x7F000001;

  FileDescriptor server(::socket(AF_INET, SOCK_DGRAM, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(target);
  ASSERT_EQ(::bind(server.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  ::getsockname(server.get(), reinterpret_cast<sockaddr*>(&address), &length);
  const std::uint16_t open_port = ntohs(address.sin_port);
  const std::uint16_t closed_port = open_port == 65535 ? 1 : open_port + 1;

  auto registry = std::make_shared<UdpPayloadRegistry>();
  register_builtin_udp_payloads(*registry);
  auto profile = UdpPayloadProfile::parse(std::to_string(open_port) + " dns\n* empty\n", "test", registry);
  ASSERT_TRUE(profile);

  const int lo = static_cast<int>(::if_nametoindex("lo"));
  auto sender = PacketSender::open(lo);
  ASSERT_TRUE(sender) << sender.error().message;
  auto receiver = PacketReceiver::open(lo, scanner, PacketReceiver::PortRange{40000, 40100});
  ASSERT_TRUE(receiver) << receiver.error().message;

  const ProbeValidator validator({5, 6}, 40000, 40100, 1);
  const UdpProbeBuilder builder({0}, {0}, scanner);
  constexpr std::size_t kStride = UdpProbeBuilder::kMaxFrameSize;
  std::vector<std::uint8_t> frames(2 * kStride);
  std::vector<std::uint16_t> sizes(2);
  for (std::size_t i = 0; i < 2; ++i) {
    const std::uint16_t port = i == 0 ? open_port : closed_port;
    const ProbeCookie c = validator.cookie(scanner, target, port, Transport::udp);
    const auto frame = std::span(frames).subspan(i * kStride, kStride);
    const std::size_t payload =
        profile->payload_for(port)->build(UdpCookie::from(c), frame.subspan(UdpProbeBuilder::kHeaderSize));
    sizes[i] =
        static_cast<std::uint16_t>(builder.build({target, port, validator.source_port(c, 0), 1}, payload, frame));
  }
  ASSERT_EQ(*sender->send(frames, kStride, sizes), 2u);

  // The DNS "server": the query arrives whole; the answer echoes its ID.
  std::array<std::uint8_t, 512> query{};
  sockaddr_in from{};
  socklen_t from_length = sizeof(from);
  const ssize_t got =
      ::recvfrom(server.get(), query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_length);
  ASSERT_EQ(got, 30);
  EXPECT_EQ(ntohl(from.sin_addr.s_addr), scanner);
  const UdpCookie expected = UdpCookie::from(validator.cookie(scanner, target, open_port, Transport::udp));
  EXPECT_EQ(query[0], expected.bytes[0]);
  EXPECT_EQ(query[1], expected.bytes[1]);
  query[2] |= 0x80;  // QR: a response
  ASSERT_EQ(::sendto(server.get(), query.data(), 30, 0, reinterpret_cast<sockaddr*>(&from), from_length), 30);

  ManualClock clock;
  ScanCounters counters;
  CollectingOutput out;
  ResponseProcessor processor(validator, scanner, true, out, clock, counters, &*profile);
  for (int attempt = 0; attempt < 50 && out.results.size() < 2; ++attempt) {
    ASSERT_TRUE(receiver->poll(100, [&](std::span<const std::uint8_t> f) { processor.handle_frame(f); }));
  }
  ASSERT_EQ(out.results.size(), 2u);
  for (const auto& r : out.results) {
    EXPECT_EQ(r.ip, target);
    EXPECT_EQ(r.transport, Transport::udp);
    EXPECT_EQ(r.status, r.port == open_port ? ScanResult::Status::open : ScanResult::Status::closed);
    EXPECT_EQ(r.protocol, r.port == open_port ? "dns" : "");
  }
  EXPECT_EQ(counters.invalid.load(), 0u);
}
