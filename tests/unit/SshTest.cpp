#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/ssh/SshBannerParser.h"
#include "fumidai/scanner/probes/ssh/SshClientHello.h"

using namespace fumidai::scanner;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

// Captured from a real daemon on 127.0.0.1 with its own temporary config and
// host keys: everything it sent on a fresh connection, recorded by a small
// client that sent only what the comment says.
// OpenSSH 9.2p1 (Debian 12), sshd -D -p 2222 on 127.0.0.1, after our "SSH-2.0-fumidai_0.1\r\n".
constexpr std::string_view kOpenSshDebian =
    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n"
    "\x00\x00\x04T\x07\x14\x83o-\xa1MR\x08}\xd0\x3f"
    "7\xb6"
    "C{\xda\x99\x00\x00\x01=sntrup761x25519-sha5"
    "12,sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp"
    "256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group1"
    "6-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,kex-strict-s-v00@openssh.com"
    "\x00\x00\x00%ssh-ed25519,rsa-sha2-512,rsa-sha2-256\x00\x00\x00lchacha20-poly1305@openssh.com,aes128-"
    "ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com\x00\x00\x00lchacha20-poly130"
    "5@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com\x00\x00"
    "\x00\xd5umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-512"
    "-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha2-256,hm"
    "ac-sha2-512,hmac-sha1\x00\x00\x00\xd5umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-"
    "etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128"
    "@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1\x00\x00\x00\x15none,zlib@openssh.com\x00\x00\x00"
    "\x15none,zlib@openssh.com\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00"sv;
// The same with -o DebianBanner=no: no comments in the identification string.
constexpr std::string_view kOpenSshNoComments =
    "SSH-2.0-OpenSSH_9.2p1\r\n"
    "\x00\x00\x04T\x07\x14\x0c\xbb\xbf\x90\x9a\x94\xc5q\xb9\x9fym\xc7\xba\x92\x8e\x00\x00\x01=sntrup761x2"
    "5519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ecdh-s"
    "ha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellm"
    "an-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,kex-strict-s-v00@opens"
    "sh.com\x00\x00\x00%ssh-ed25519,rsa-sha2-512,rsa-sha2-256\x00\x00\x00lchacha20-poly1305@openssh.com,a"
    "es128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com\x00\x00\x00lchacha20-p"
    "oly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com"
    "\x00\x00\x00\xd5umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-"
    "sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,umac-128@openssh.com,hmac-sha"
    "2-256,hmac-sha2-512,hmac-sha1\x00\x00\x00\xd5umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-s"
    "ha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
    "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1\x00\x00\x00\x15none,zlib@openssh.com\x00"
    "\x00\x00\x15none,zlib@openssh.com\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
    "\x00\x00\x00\x00"sv;
// The same sshd, after the client sent "GET / HTTP/1.0\r\n" instead of an identification string.
constexpr std::string_view kOpenSshToHttp =
    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n"
    "Invalid SSH identification string.\r\n"sv;

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

struct Outcome {
  bool complete = false;
  std::string error;  // empty: none
  SshServerHello hello;
  bool operator==(const Outcome&) const = default;
};

// Feeds `input` cut at `cuts` (sorted offsets), stopping at the first error.
Outcome run(std::string_view input, const std::vector<std::size_t>& cuts = {}) {
  SshBannerParser parser;
  Outcome out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : input.size();
    const auto progress = parser.feed(bytes(input.substr(start, end - start)));
    start = end;
    if (!progress) {
      out.error = progress.error().message;
      break;
    }
    out.complete = *progress == SshBannerParser::Progress::complete;
  }
  out.hello = parser.hello();
  return out;
}

// Whole, one byte at a time, and in random pieces: the same outcome each way.
Outcome run_in_pieces(std::string_view input) {
  const Outcome whole = run(input);
  std::vector<std::size_t> every_byte(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) every_byte[i] = i;
  EXPECT_EQ(run(input, every_byte), whole) << "one byte at a time";
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::vector<std::size_t> cuts;
    std::uniform_int_distribution<std::size_t> at(0, input.size());
    for (int n = round % 7 + 1; n > 0; --n) cuts.push_back(at(rng));
    std::sort(cuts.begin(), cuts.end());
    EXPECT_EQ(run(input, cuts), whole) << "random pieces, round " << round;
  }
  return whole;
}

// An unencrypted binary packet around `payload`, padded as RFC 4253 asks.
std::string packet(std::string_view payload) {
  std::size_t padding = 8 - (5 + payload.size()) % 8;
  if (padding < 4) padding += 8;
  std::string out(5, '\0');
  put32(reinterpret_cast<std::uint8_t*>(out.data()), static_cast<std::uint32_t>(1 + payload.size() + padding));
  out[4] = static_cast<char>(padding);
  out += payload;
  out.append(padding, '\0');
  return out;
}

std::string ssh_string(std::string_view s) {
  std::string out(4, '\0');
  put32(reinterpret_cast<std::uint8_t*>(out.data()), static_cast<std::uint32_t>(s.size()));
  return out + std::string(s);
}

// A KEXINIT payload: message 20, a cookie, the ten lists, the flag, reserved.
std::string kex_init_payload(const std::vector<std::string>& lists, char follows = 0) {
  std::string out = "\x14" + std::string(16, 'c');
  for (const auto& list : lists) out += ssh_string(list);
  out += follows;
  out += std::string(4, '\0');
  return out;
}

const std::vector<std::string> kTenLists = {
    "curve25519-sha256", "ssh-ed25519", "aes128-ctr", "aes128-ctr", "hmac-sha2-256",
    "hmac-sha2-256",     "none",        "none",       "",           ""};

constexpr std::string_view kId = "SSH-2.0-Test\r\n";

}  // namespace

TEST(SshBannerParser, ReadsOpenSshIdentificationAndKexInit) {
  const Outcome out = run_in_pieces(kOpenSshDebian);
  ASSERT_EQ(out.error, "");
  ASSERT_TRUE(out.complete);
  const SshServerHello& h = out.hello;
  EXPECT_TRUE(h.preamble.empty());
  EXPECT_EQ(h.protocol_version, "2.0");
  EXPECT_EQ(h.software_version, "OpenSSH_9.2p1");
  EXPECT_EQ(h.comments, "Debian-2+deb12u10");
  EXPECT_FALSE(h.identification_too_long);
  EXPECT_EQ(h.first_message_type, 20);
  EXPECT_FALSE(h.disconnect);
  ASSERT_TRUE(h.kex_init);
  const SshKexInit& k = *h.kex_init;
  const std::array<std::uint8_t, 16> cookie = {0x83, 0x6f, 0x2d, 0xa1, 0x4d, 0x52, 0x08, 0x7d,
                                               0xd0, 0x3f, 0x37, 0xb6, 0x43, 0x7b, 0xda, 0x99};
  EXPECT_EQ(k.cookie, cookie);
  EXPECT_EQ(k.kex_algorithms.size(), 12u);
  EXPECT_EQ(k.kex_algorithms.front(), "sntrup761x25519-sha512");
  EXPECT_EQ(k.kex_algorithms.back(), "kex-strict-s-v00@openssh.com");
  EXPECT_EQ(k.server_host_key_algorithms, (std::vector<std::string>{"ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"}));
  EXPECT_EQ(k.encryption_algorithms_client_to_server.size(), 6u);
  EXPECT_EQ(k.encryption_algorithms_server_to_client.front(), "chacha20-poly1305@openssh.com");
  EXPECT_EQ(k.mac_algorithms_client_to_server.size(), 10u);
  EXPECT_EQ(k.mac_algorithms_server_to_client.back(), "hmac-sha1");
  EXPECT_EQ(k.compression_algorithms_client_to_server, (std::vector<std::string>{"none", "zlib@openssh.com"}));
  EXPECT_EQ(k.compression_algorithms_server_to_client, (std::vector<std::string>{"none", "zlib@openssh.com"}));
  EXPECT_TRUE(k.languages_client_to_server.empty());
  EXPECT_TRUE(k.languages_server_to_client.empty());
  EXPECT_FALSE(k.first_kex_packet_follows);
}

TEST(SshBannerParser, ReadsIdentificationWithoutComments) {
  const Outcome out = run_in_pieces(kOpenSshNoComments);
  ASSERT_EQ(out.error, "");
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.hello.software_version, "OpenSSH_9.2p1");
  EXPECT_EQ(out.hello.comments, "");
  EXPECT_TRUE(out.hello.kex_init);
}

TEST(SshBannerParser, SaysWhenTextArrivesWhereAPacketShould) {
  const Outcome out = run_in_pieces(kOpenSshToHttp);
  EXPECT_FALSE(out.complete);
  EXPECT_EQ(out.hello.software_version, "OpenSSH_9.2p1");  // what arrived before the error stays
  EXPECT_EQ(out.error,
            "ssh: packet_length 1231976033 is over the limit of 35000 (text where a packet should start: \"Inva\")");
}

TEST(SshBannerParser, KeepsPreambleLinesAndAcceptsBareLineFeeds) {
  const std::string input =
      "Welcome\nto \x01\x00 host\r\n\nSSH-1.99-Srv_1.0 extra words\n"s + packet(kex_init_payload(kTenLists, 1));
  const Outcome out = run_in_pieces(input);
  ASSERT_EQ(out.error, "");
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.hello.preamble, (std::vector<std::string>{"Welcome", "to \x01\x00 host"s, ""}));
  EXPECT_EQ(out.hello.protocol_version, "1.99");
  EXPECT_EQ(out.hello.software_version, "Srv_1.0");
  EXPECT_EQ(out.hello.comments, "extra words");
  ASSERT_TRUE(out.hello.kex_init);
  EXPECT_EQ(out.hello.kex_init->kex_algorithms, std::vector<std::string>{"curve25519-sha256"});
  EXPECT_EQ(out.hello.kex_init->compression_algorithms_server_to_client, std::vector<std::string>{"none"});
  EXPECT_TRUE(out.hello.kex_init->first_kex_packet_follows);
}

TEST(SshBannerParser, LimitsPreamble) {
  std::string ten_lines;
  for (int i = 0; i < 10; ++i) ten_lines += "line\r\n";
  EXPECT_EQ(run(ten_lines + std::string(kId)).error, "");
  EXPECT_EQ(run(ten_lines + "line\r\n" + std::string(kId)).error,
            "ssh: no identification string in the first 10 lines or 4096 bytes; line 11: \"line\"");
  const std::string long_line(1000, 'x');
  const std::string five_long = long_line + "\n" + long_line + "\n" + long_line + "\n" + long_line + "\n" + long_line;
  EXPECT_NE(run(five_long + "\n" + std::string(kId)).error.find("no identification string"), std::string::npos);
}

TEST(SshBannerParser, FlagsLongIdentificationAndRejectsEndlessLines) {
  const std::string at_rfc_limit = "SSH-2.0-" + std::string(253 - 8, 'v') + "\r\n";
  ASSERT_EQ(at_rfc_limit.size(), 255u);
  EXPECT_FALSE(run(at_rfc_limit).hello.identification_too_long);
  const Outcome long_id = run("SSH-2.0-" + std::string(900, 'v') + "\r\n");
  EXPECT_EQ(long_id.error, "");
  EXPECT_TRUE(long_id.hello.identification_too_long);
  EXPECT_EQ(long_id.hello.software_version.size(), 900u);

  const std::string megabyte(1 << 20, 'A');
  const std::string expected = "ssh: line longer than 1024 bytes before the end of the identification string: \"" +
                               std::string(48, 'A') + "\"...";
  EXPECT_EQ(run(megabyte).error, expected);
  EXPECT_EQ(run_in_pieces(megabyte.substr(0, 2000)).error, expected);  // the same message from any pieces
  EXPECT_NE(run("SSH-2.0-" + megabyte + "\n").error.find("line longer than 1024"), std::string::npos);
}

TEST(SshBannerParser, RejectsIdentificationWithoutSoftwareVersion) {
  EXPECT_EQ(run("SSH-2.0\r\n").error, "ssh: identification string without a software version: \"SSH-2.0\"");
}

TEST(SshBannerParser, CompletesAfterIdentificationForSsh1) {
  const Outcome out = run("SSH-1.5-Cisco-1.25\n\x01\x02garbage"s);
  EXPECT_EQ(out.error, "");
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.hello.protocol_version, "1.5");
  EXPECT_EQ(out.hello.software_version, "Cisco-1.25");
  EXPECT_FALSE(out.hello.first_message_type);
}

TEST(SshBannerParser, KeepsNulAndNonUtf8BytesRaw) {
  const std::string id = "SSH-2.0-a\xff\x00z c\xc3\x28\r\n"s;
  const Outcome out = run(id + packet("\x15"));
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.hello.software_version, "a\xff\x00z"s);
  EXPECT_EQ(out.hello.comments, "c\xc3\x28");
}

TEST(SshBannerParser, ChecksPacketLengths) {
  auto with_length = [](std::uint32_t length) {
    std::string p(4, '\0');
    put32(reinterpret_cast<std::uint8_t*>(p.data()), length);
    return std::string(kId) + p;
  };
  EXPECT_EQ(run(with_length(35001)).error, "ssh: packet_length 35001 is over the limit of 35000");
  EXPECT_EQ(run(with_length(0xFFFFFFFF)).error, "ssh: packet_length 4294967295 is over the limit of 35000");
  EXPECT_EQ(run(with_length(0)).error, "ssh: packet_length 0 is too short");
  EXPECT_EQ(run(with_length(1)).error, "ssh: packet_length 1 is too short");
  // The largest allowed packet is read whole: message 21 (NEWKEYS) and padding.
  const Outcome largest = run(with_length(35000) + "\xff\x15" + std::string(34998, '\0'));
  EXPECT_EQ(largest.error, "");
  EXPECT_TRUE(largest.complete);
  EXPECT_EQ(largest.hello.first_message_type, 21);
  EXPECT_FALSE(run(with_length(35000) + "\xff\x15" + std::string(34997, '\0')).complete);
  // padding_length must leave the message number.
  EXPECT_EQ(run(with_length(12) + "\x0b" + std::string(11, '\0')).error,
            "ssh: padding_length 11 leaves no payload in a packet of 12 bytes");
  EXPECT_EQ(run(with_length(12) + "\x0a\x15" + std::string(10, '\0')).error, "");
}

TEST(SshBannerParser, SkipsIgnoreAndDebugUpToALimit) {
  std::string input(kId);
  input += packet("\x02" + ssh_string("ignore me"));
  input += packet("\x04\x01" + ssh_string("debug") + ssh_string(""));
  input += packet(kex_init_payload(kTenLists));
  const Outcome out = run_in_pieces(input);
  EXPECT_EQ(out.error, "");
  EXPECT_EQ(out.hello.first_message_type, 20);
  EXPECT_TRUE(out.hello.kex_init);

  std::string storm(kId);
  for (int i = 0; i < 9; ++i) storm += packet("\x02");
  EXPECT_EQ(run(storm).error, "ssh: more than 8 IGNORE/DEBUG packets before the first message");
}

TEST(SshBannerParser, ReadsDisconnect) {
  const std::string payload = "\x01\x00\x00\x00\x02"s + ssh_string("Too many connections") + ssh_string("en");
  const Outcome out = run_in_pieces(std::string(kId) + packet(payload));
  EXPECT_EQ(out.error, "");
  EXPECT_TRUE(out.complete);
  EXPECT_EQ(out.hello.first_message_type, 1);
  ASSERT_TRUE(out.hello.disconnect);
  EXPECT_EQ(out.hello.disconnect->reason_code, 2u);
  EXPECT_EQ(out.hello.disconnect->description, "Too many connections");
  EXPECT_EQ(run(std::string(kId) + packet("\x01\x00\x00\x00\x02\x00\x00\x00\x09short"s)).error,
            "ssh: DISCONNECT ends inside its description");
}

TEST(SshBannerParser, RejectsEveryTruncatedKexInit) {
  const std::string payload = kex_init_payload(kTenLists);
  for (std::size_t size = 1; size < payload.size(); ++size) {
    const Outcome out = run(std::string(kId) + packet(payload.substr(0, size)));
    EXPECT_EQ(out.error.rfind("ssh: KEXINIT ends ", 0), 0u) << size << ": " << out.error;
    EXPECT_FALSE(out.hello.kex_init);
  }
  EXPECT_EQ(run(std::string(kId) + packet(payload.substr(0, 17) + "\x00\x00\x01\x00"
                                                                  "abc"s))
                .error,
            "ssh: KEXINIT ends inside kex_algorithms");
}

TEST(SshBannerParser, RejectsBadNameLists) {
  std::vector<std::string> lists = kTenLists;
  lists[2] = "aes128-ctr,,aes256-ctr";
  EXPECT_EQ(run(std::string(kId) + packet(kex_init_payload(lists))).error,
            "ssh: KEXINIT encryption_algorithms_client_to_server has an empty name");
  lists[2] = "aes128-ctr,";
  EXPECT_NE(run(std::string(kId) + packet(kex_init_payload(lists))).error, "");
  // 2000 one-letter names fit in a packet but are more than any server offers.
  std::string many = "a";
  for (int i = 1; i < 2000; ++i) many += ",a";
  lists[2] = many;
  EXPECT_EQ(run(std::string(kId) + packet(kex_init_payload(lists))).error,
            "ssh: KEXINIT has more than 1024 algorithm names");
}

TEST(SshBannerParser, ErrorsStickAndCompletionIgnoresMore) {
  SshBannerParser parser;
  EXPECT_FALSE(parser.feed(bytes("SSH-2.0\n")));
  EXPECT_FALSE(parser.identification_received());
  const auto again = parser.feed(bytes(kId));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "ssh: identification string without a software version: \"SSH-2.0\"");

  SshBannerParser done;
  EXPECT_EQ(*done.feed(bytes(kOpenSshDebian)), SshBannerParser::Progress::complete);
  const SshServerHello before = done.hello();
  EXPECT_EQ(*done.feed(bytes("\xff\xff\xff\xff more")), SshBannerParser::Progress::complete);
  EXPECT_EQ(done.hello(), before);
}

TEST(SshBannerParser, ReportsIdentificationBeforeThePacket) {
  SshBannerParser parser;
  EXPECT_EQ(*parser.feed(bytes(kOpenSshDebian.substr(0, 60))), SshBannerParser::Progress::need_more);
  EXPECT_TRUE(parser.identification_received());
  EXPECT_EQ(parser.hello().software_version, "OpenSSH_9.2p1");
}

TEST(SshClientHello, BuildsIdentification) {
  EXPECT_EQ(*make_ssh_identification(kSshDefaultSoftwareVersion), "SSH-2.0-fumidai\r\n");
  EXPECT_EQ(*make_ssh_identification("fumidai_0.1", "research scan"), "SSH-2.0-fumidai_0.1 research scan\r\n");
  EXPECT_FALSE(make_ssh_identification(""));
  EXPECT_FALSE(make_ssh_identification("a-b"));
  EXPECT_FALSE(make_ssh_identification("a b"));
  EXPECT_FALSE(make_ssh_identification("a\r\nb"));
  EXPECT_FALSE(make_ssh_identification("a", "x\ny"));
  EXPECT_TRUE(make_ssh_identification(std::string(245, 'v')));  // 255 bytes with "SSH-2.0-" and CR LF
  const auto too_long = make_ssh_identification(std::string(246, 'v'));
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().kind, fumidai::Error::Kind::invalid_input);
  EXPECT_EQ(too_long.error().message, "ssh: identification string is 256 bytes, over 255");
}

TEST(SshClientHello, KexInitPacketRoundTripsThroughTheParser) {
  const std::array<std::uint8_t, 16> cookie = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const SshKexInit offer = default_ssh_kex_offer(cookie);
  const auto packet_bytes = build_ssh_kex_init_packet(offer);
  ASSERT_TRUE(packet_bytes);
  const std::vector<std::uint8_t>& p = *packet_bytes;
  EXPECT_EQ(p.size() % 8, 0u);
  EXPECT_EQ(get32(p.data()), p.size() - 4);
  EXPECT_GE(p[4], 4);
  EXPECT_EQ(p[5], 20);

  const std::string as_server = *make_ssh_identification("Peer") + std::string(p.begin(), p.end());
  const Outcome out = run_in_pieces(as_server);
  ASSERT_EQ(out.error, "");
  ASSERT_TRUE(out.hello.kex_init);
  EXPECT_EQ(*out.hello.kex_init, offer);
  EXPECT_EQ(offer.kex_algorithms.front(), "curve25519-sha256");
  EXPECT_TRUE(offer.languages_client_to_server.empty());
}

TEST(SshClientHello, RejectsNamesThatWouldCorruptTheList) {
  SshKexInit offer = default_ssh_kex_offer({});
  offer.mac_algorithms_server_to_client.push_back("a,b");
  const auto comma = build_ssh_kex_init_packet(offer);
  ASSERT_FALSE(comma);
  EXPECT_EQ(comma.error().message, "ssh: mac_algorithms_server_to_client holds \"a,b\", not an algorithm name");
  offer.mac_algorithms_server_to_client = {""};
  EXPECT_FALSE(build_ssh_kex_init_packet(offer));
  offer.mac_algorithms_server_to_client = {std::string(65, 'm')};
  EXPECT_FALSE(build_ssh_kex_init_packet(offer));
  offer.mac_algorithms_server_to_client = {std::string(64, 'm')};
  EXPECT_TRUE(build_ssh_kex_init_packet(offer));
  // Each list fits; together they do not.
  offer.mac_algorithms_client_to_server = offer.mac_algorithms_server_to_client =
      std::vector<std::string>(300, std::string(64, 'm'));
  const auto huge = build_ssh_kex_init_packet(offer);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().message.rfind("ssh: KEXINIT would be ", 0), 0u);
}
