#include <gtest/gtest.h>

#include <vector>

#include "fumidai/scanner/packet/Checksum.h"
#include "fumidai/scanner/packet/ReplyParser.h"
#include "fumidai/scanner/packet/SynProbeBuilder.h"
#include "fumidai/scanner/validate/ProbeValidator.h"
#include "fumidai/scanner/validate/SipHash.h"

using namespace fumidai::scanner;

TEST(SipHash, MatchesReferenceVectors) {
  // From the SipHash paper's reference implementation: key 00..0f, messages 00..(n-1).
  const SipKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  std::vector<std::uint8_t> msg;
  EXPECT_EQ(siphash24(key, msg), 0x726fdb47dd0e0e31ULL);
  for (std::uint8_t i = 0; i < 15; ++i) msg.push_back(i);
  EXPECT_EQ(siphash24(key, msg), 0xa129ca6149be45e5ULL);
}

TEST(ProbeValidator, AcceptsGenuineRepliesForEveryProbe) {
  const ProbeValidator v({1, 2}, 32768, 61000, 3);
  const std::uint32_t scanner = 0xC0000202, target = 0xC6120304;
  const ProbeCookie c = v.cookie(scanner, target, 443);
  for (std::uint32_t probe = 0; probe < 3; ++probe) {
    const std::uint16_t sport = v.source_port(c, probe);
    EXPECT_GE(sport, 32768);
    EXPECT_LE(sport, 61000);
    EXPECT_TRUE(v.validate(scanner, target, 443, sport, c.sequence + 1));
  }
}

TEST(ProbeValidator, RejectsForgedReplies) {
  const ProbeValidator v({1, 2}, 32768, 61000, 1);
  const std::uint32_t scanner = 0xC0000202, target = 0xC6120304;
  const ProbeCookie c = v.cookie(scanner, target, 443);
  const std::uint16_t sport = v.source_port(c, 0);
  EXPECT_FALSE(v.validate(scanner, target, 443, sport, c.sequence));  // ack not seq+1
  EXPECT_FALSE(v.validate(scanner, target, 443, sport, c.sequence + 2));
  EXPECT_FALSE(v.validate(scanner, target + 1, 443, sport, c.sequence + 1));  // other host
  EXPECT_FALSE(v.validate(scanner, target, 80, sport, c.sequence + 1));       // other port
  EXPECT_FALSE(v.validate(scanner, target, 443, static_cast<std::uint16_t>(sport + 1), c.sequence + 1));
  EXPECT_FALSE(v.validate(scanner, target, 443, 80, c.sequence + 1));  // outside the source range
  EXPECT_FALSE(v.validate(scanner, target, 443, 65000, c.sequence + 1));
  const ProbeValidator other_key({3, 4}, 32768, 61000, 1);
  EXPECT_FALSE(other_key.validate(scanner, target, 443, sport, c.sequence + 1));
}

TEST(SynProbeBuilder, WritesValidChecksums) {
  const SynProbeBuilder builder({2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}, 0xC0000202);
  std::array<std::uint8_t, SynProbeBuilder::kFrameSize> frame{};
  for (std::uint32_t i = 0; i < 1000; ++i) {
    const SynProbe p{0xC6120000 + i * 7919, static_cast<std::uint16_t>(1 + i * 31),
                     static_cast<std::uint16_t>(32768 + i), i * 2654435761u, static_cast<std::uint16_t>(i * 13)};
    builder.build(p, frame);
    const std::span<const std::uint8_t> ip(frame.data() + 14, 20), tcp(frame.data() + 34, 24);
    ASSERT_EQ(checksum_finish(checksum_partial(ip)), 0);
    ASSERT_EQ(checksum_finish(checksum_partial(tcp, pseudo_header_sum(0xC0000202, p.destination, 6, 24))), 0);
    // The parser reads back what the builder wrote.
    auto parsed = parse_tcp_reply(frame);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->destination, p.destination);
    EXPECT_EQ(parsed->source_port, p.source_port);
    EXPECT_EQ(parsed->destination_port, p.destination_port);
    EXPECT_EQ(parsed->sequence, p.sequence);
    EXPECT_EQ(parsed->flags, TcpReply::kSyn);
  }
}

TEST(ReplyParser, RejectsTruncatedAndMalformedFrames) {
  const SynProbeBuilder builder({0}, {0}, 1);
  std::array<std::uint8_t, SynProbeBuilder::kFrameSize> frame{};
  builder.build({2, 80, 40000, 5, 6}, frame);
  for (std::size_t len = 0; len < 54; ++len) EXPECT_FALSE(parse_tcp_reply({frame.data(), len})) << len;
  auto mutated = frame;
  mutated[14] = 0x44;  // IHL 4
  EXPECT_FALSE(parse_tcp_reply(mutated));
  mutated = frame;
  mutated[23] = 17;  // UDP
  EXPECT_FALSE(parse_tcp_reply(mutated));
  mutated = frame;
  mutated[16] = 0xff;  // total length beyond the capture
  EXPECT_FALSE(parse_tcp_reply(mutated));
  mutated = frame;
  mutated[21] = 1;  // a later fragment
  EXPECT_FALSE(parse_tcp_reply(mutated));
  mutated = frame;
  mutated[46] = 0x40;  // TCP data offset 4
  EXPECT_FALSE(parse_tcp_reply(mutated));
}
