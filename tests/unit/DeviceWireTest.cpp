// The device emulator's binary protocols: PPTP and L2TP control messages and
// SSDP searches as it frames, parses and builds them, and the per-source
// rate limit of its UDP endpoints. Expected bytes are written out here from
// RFC 2637, RFC 2661 and UPnP DA 1.1, not taken from the code under test.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "devices/L2tpMessage.h"
#include "devices/PptpMessage.h"
#include "devices/SourceRateLimiter.h"
#include "devices/SsdpSearch.h"

using fumidai::Nanos;
using fumidai::lab::DevicePersona;
using fumidai::lab::L2tpMessage;
using fumidai::lab::PptpMessage;
using fumidai::lab::SourceRateLimiter;
using fumidai::lab::SsdpSearch;

namespace {

std::string u16(unsigned v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; }
std::string u32(std::uint32_t v) { return u16(v >> 16) + u16(v & 0xffff); }
std::string padded(std::string_view text, std::size_t size) {
  std::string out(text);
  out.resize(size, '\0');
  return out;
}

// PPTP control message header: length, type 1, magic cookie, control type, Reserved0.
std::string pptp_header(unsigned length, unsigned control_type) {
  return u16(length) + u16(1) + u32(0x1A2B3C4D) + u16(control_type) + u16(0);
}

std::string sccrq() {
  return pptp_header(156, 1) + u16(0x0100) + u16(0) + u32(1) + u32(1) + u16(0) + u16(0) + padded("scanner", 64) +
         padded("fumidai", 64);
}

// One IETF AVP; `mandatory` sets the M bit.
std::string avp(bool mandatory, unsigned type, const std::string& value) {
  return u16((mandatory ? 0x8000 : 0) | (6 + value.size())) + u16(0) + u16(type) + value;
}

// An L2TP control message: header, then `avps`, with the length filled in.
std::string l2tp(unsigned tunnel_id, unsigned ns, unsigned nr, const std::string& avps) {
  return u16(0xC802) + u16(12 + avps.size()) + u16(tunnel_id) + u16(0) + u16(ns) + u16(nr) + avps;
}

std::string l2tp_sccrq(unsigned assigned_tunnel_id) {
  return l2tp(0, 0, 0,
              avp(true, 0, u16(1)) + avp(true, 2, u16(0x0100)) + avp(true, 7, "scanner") + avp(true, 3, u32(3)) +
                  avp(true, 9, u16(assigned_tunnel_id)));
}

}  // namespace

TEST(PptpMessage, FramesAStreamOfControlMessages) {
  const std::string request = sccrq();
  ASSERT_EQ(request.size(), 156u);
  const PptpMessage whole = PptpMessage::frame(request + "more");
  EXPECT_EQ(whole.status, PptpMessage::Status::complete);
  EXPECT_EQ(whole.length, 156u);
  EXPECT_TRUE(whole.is_start_request());
  EXPECT_FALSE(whole.is_stop_request());
  for (const std::size_t n : {0u, 1u, 7u, 11u, 155u}) {
    EXPECT_EQ(PptpMessage::frame(request.substr(0, n)).status, PptpMessage::Status::incomplete) << n;
  }
  const PptpMessage stop = PptpMessage::frame(pptp_header(16, 3) + u16(0x0100) + u16(0));
  EXPECT_TRUE(stop.is_stop_request());
  // Echo-Request: complete, neither start nor stop.
  const PptpMessage echo = PptpMessage::frame(pptp_header(16, 5) + u32(7));
  EXPECT_EQ(echo.status, PptpMessage::Status::complete);
  EXPECT_FALSE(echo.is_start_request());
  // An SCCRQ of the wrong length is not one.
  EXPECT_FALSE(PptpMessage::frame(pptp_header(20, 1) + std::string(8, '\0')).is_start_request());
}

TEST(PptpMessage, RejectsWhatIsNoControlMessageEarly) {
  // Lengths no control message has, as soon as the length is in.
  EXPECT_EQ(PptpMessage::frame(u16(11)).status, PptpMessage::Status::invalid);
  EXPECT_EQ(PptpMessage::frame(u16(221)).status, PptpMessage::Status::invalid);
  EXPECT_EQ(PptpMessage::frame("GET / HTTP/1.1\r\n\r\n").status, PptpMessage::Status::invalid);
  // A management message (type 2), then a wrong magic cookie, before the message is whole.
  EXPECT_EQ(PptpMessage::frame(u16(156) + u16(2)).status, PptpMessage::Status::invalid);
  EXPECT_EQ(PptpMessage::frame(u16(156) + u16(1) + u32(0xDEADBEEF)).status, PptpMessage::Status::invalid);
}

TEST(PptpMessage, BuildsTheRepliesByteForByte) {
  const DevicePersona::Tunnel tunnel{"RTX1210", "YAMAHA Corporation", 0x0102, 1, 2, 3};
  const std::string expected = pptp_header(156, 2) + u16(0x0100) + "\x01" + std::string(1, '\0') + u32(1) + u32(2) +
                               u16(3) + u16(0x0102) + padded("RTX1210", 64) + padded("YAMAHA Corporation", 64);
  const std::string reply = PptpMessage::start_reply(tunnel);
  EXPECT_EQ(reply, expected);
  EXPECT_EQ(reply.substr(26, 2), "\x01\x02");
  EXPECT_EQ(reply.substr(92, 18), "YAMAHA Corporation");
  // A 64-byte name fills its field without a NUL.
  const std::string full(64, 'n');
  EXPECT_EQ(PptpMessage::start_reply({full, full}).substr(28, 128), full + full);
  EXPECT_EQ(PptpMessage::stop_reply(), pptp_header(16, 4) + "\x01" + std::string(3, '\0'));
}

TEST(L2tpMessage, ParsesAStartRequest) {
  const auto request = L2tpMessage::parse(l2tp_sccrq(0x1234));
  ASSERT_TRUE(request);
  EXPECT_FALSE(request->zlb);
  EXPECT_EQ(request->message_type, 1);
  EXPECT_EQ(request->assigned_tunnel_id, 0x1234);
  EXPECT_EQ(request->protocol_version, 0x0100);
  EXPECT_TRUE(request->is_start_request());
  // Bytes past the header's length (padding) are not read.
  EXPECT_TRUE(L2tpMessage::parse(l2tp_sccrq(1) + "pad"));
  // Hidden and vendor AVPs are skipped.
  const auto hidden = L2tpMessage::parse(l2tp(0, 0, 0,
                                              avp(true, 0, u16(1)) + avp(true, 2, u16(0x0100)) + avp(true, 9, u16(5)) +
                                                  u16(0xC000 | 10) + u16(0) + u16(11) + "abcd" + u16(0x000A) + u16(9) +
                                                  u16(9) + "xyzw"));
  ASSERT_TRUE(hidden);
  EXPECT_EQ(hidden->assigned_tunnel_id, 5);

  const auto zlb = L2tpMessage::parse(l2tp(7, 1, 2, ""));
  ASSERT_TRUE(zlb);
  EXPECT_TRUE(zlb->zlb);
  EXPECT_FALSE(zlb->is_start_request());
  // No tunnel id of the sender, a tunnel already open, L2TP 2.0: not answered.
  EXPECT_FALSE(L2tpMessage::parse(l2tp(0, 0, 0, avp(true, 0, u16(1)) + avp(true, 2, u16(0x0100))))->is_start_request());
  EXPECT_FALSE(L2tpMessage::parse(l2tp(9, 0, 0, l2tp_sccrq(1).substr(12)))->is_start_request());
  EXPECT_FALSE(
      L2tpMessage::parse(l2tp(0, 0, 0, avp(true, 0, u16(1)) + avp(true, 2, u16(0x0200)) + avp(true, 9, u16(1))))
          ->is_start_request());
}

TEST(L2tpMessage, RejectsMalformedMessages) {
  const std::string good = l2tp_sccrq(1);
  std::string data_message = good;
  data_message[0] = 0x40;  // T clear: a data message
  std::string version3 = good;
  version3[1] = 0x03;
  std::string offset_bit = good;
  offset_bit[0] = static_cast<char>(0xCA);  // O set
  std::string long_header = good;
  long_header[3] = static_cast<char>(good.size() + 1);  // longer than the datagram
  std::string avp_lies = good;
  avp_lies[12 + 8 + 1] = static_cast<char>(0xff);  // Protocol Version AVP says 255 bytes
  std::string short_avp = good;
  short_avp[12 + 8 + 1] = 5;  // shorter than an AVP header
  for (const auto& [what, bytes] : std::initializer_list<std::pair<const char*, std::string>>{
           {"short", good.substr(0, 11)},
           {"data message", data_message},
           {"version 3", version3},
           {"offset bit", offset_bit},
           {"length past the datagram", long_header},
           {"AVP length past the message", avp_lies},
           {"AVP shorter than its header", short_avp},
           {"first AVP not Message Type", l2tp(0, 0, 0, avp(true, 2, u16(0x0100)) + avp(true, 0, u16(1)))},
           {"two Message Types", l2tp(0, 0, 0, avp(true, 0, u16(1)) + avp(true, 0, u16(1)))},
           {"Message Type of 3 bytes", l2tp(0, 0, 0, avp(true, 0, "abc"))},
           {"Assigned Tunnel ID of 4 bytes", l2tp(0, 0, 0, avp(true, 0, u16(1)) + avp(true, 9, u32(1)))},
           {"trailing bytes inside the length", l2tp(0, 0, 0, avp(true, 0, u16(1)) + "xyz")},
       }) {
    EXPECT_FALSE(L2tpMessage::parse(bytes)) << what;
  }
}

TEST(L2tpMessage, BuildsTheRepliesByteForByte) {
  const DevicePersona::Tunnel tunnel{"MikroTik", "MikroTik", 1, 3, 3, 0};
  std::string reply = L2tpMessage::start_reply(tunnel);
  const auto request = L2tpMessage::parse(l2tp(0, 4, 0, l2tp_sccrq(0x1234).substr(12)));
  ASSERT_TRUE(request);
  L2tpMessage::address_start_reply(reply, *request, 0x0042);
  const std::string expected = l2tp(0x1234, 0, 5,
                                    avp(true, 0, u16(2)) + avp(true, 2, u16(0x0100)) + avp(true, 9, u16(0x0042)) +
                                        avp(true, 3, u32(3)) + avp(true, 4, u32(3)) + avp(false, 6, u16(1)) +
                                        avp(true, 7, "MikroTik") + avp(false, 8, "MikroTik") + avp(true, 10, u16(4)));
  EXPECT_EQ(reply, expected);
  EXPECT_EQ(reply.substr(L2tpMessage::kHostNameAt, 6), avp(true, 7, "MikroTik").substr(0, 6));
  // Its own parser takes it: the reply is well-formed.
  const auto parsed = L2tpMessage::parse(reply);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->message_type, 2);
  EXPECT_EQ(parsed->assigned_tunnel_id, 0x0042);

  const auto stop =
      L2tpMessage::parse(l2tp(0x0042, 1, 1, avp(true, 0, u16(4)) + avp(true, 9, u16(0x1234)) + avp(true, 1, u16(1))));
  ASSERT_TRUE(stop);
  EXPECT_TRUE(stop->is_stop_notify());
  EXPECT_EQ(L2tpMessage::zlb_ack(*stop), l2tp(0x1234, 1, 2, ""));
}

TEST(SsdpSearch, ParsesAUnicastSearch) {
  const auto search = SsdpSearch::parse(
      "M-SEARCH * HTTP/1.1\r\nHOST: 198.19.0.34:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: upnp:rootdevice\r\n"
      "\r\n");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->st, "upnp:rootdevice");
  // Any case of header name, bare LF, blanks around values, no final empty line.
  const auto loose = SsdpSearch::parse("M-SEARCH * HTTP/1.1\nst:  ssdp:all \nman:\"ssdp:discover\"");
  ASSERT_TRUE(loose);
  EXPECT_EQ(loose->st, "ssdp:all");
}

TEST(SsdpSearch, IgnoresWhatIsNotASearch) {
  for (const char* datagram : {
           "",
           "NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n",
           "M-SEARCH / HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: ssdp:all\r\n\r\n",
           "M-SEARCH * HTTP/1.0\r\nMAN: \"ssdp:discover\"\r\nST: ssdp:all\r\n\r\n",
           "M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n",
           "M-SEARCH * HTTP/1.1\r\nMAN: ssdp:discover\r\nST: ssdp:all\r\n\r\n",
           "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\n\r\n",
           "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: \r\n\r\n",
           "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: a\r\nST: b\r\n\r\n",
           "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: a\r\ngarbage\r\n\r\n",
           "M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: upnp:rootdevice\r\r\r\n\r\n",
           "HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n",
       }) {
    EXPECT_FALSE(SsdpSearch::parse(datagram)) << datagram;
  }
  // What follows the empty line is not read.
  EXPECT_TRUE(SsdpSearch::parse("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: a\r\n\r\ngarbage"));
}

TEST(SourceRateLimiter, CountsEachSourceEverySecondOnTheInjectedClock) {
  SourceRateLimiter limiter(3);
  const std::uint32_t a = 0xC0000202, b = 0xC0000203;
  Nanos now{0};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.allow(a, now)) << i;
  EXPECT_FALSE(limiter.allow(a, now));
  now += std::chrono::milliseconds(999);
  EXPECT_FALSE(limiter.allow(a, now));
  now += std::chrono::milliseconds(1);
  EXPECT_TRUE(limiter.allow(a, now));
  // Two sources never share more than one budget: between them, at most
  // 2 x 3 in a second whether or not they share a counter.
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += limiter.allow(b, now) ? 1 : 0;
  EXPECT_LE(allowed, 3);
  EXPECT_GE(allowed, 1);
}
