// PPTP: the control-connection codec against replies captured from pptpd,
// and the "pptp" module through the engine against loopback fakes.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "fumidai/scanner/probes/pptp/PptpControl.h"
#include "support/GrabHarness.h"
#include "support/HexBytes.h"
#include "support/LoopbackServer.h"

namespace fumidai::scanner {
namespace {

using test::as_string;
using test::from_hex;
using test::GrabHarness;
using test::LoopbackServer;
using test::to_hex;

// Captured in a lab namespace: pptpd 1.4.0 (Debian 12), a config with only
// "listen" and IP ranges, answering `fumidai grab --module pptp`.
// Our Start-Control-Connection-Request, as it went out.
constexpr std::string_view kOurRequest =
    "009c00011a2b3c4d000100000100000000000003000000030000000066756d696461690000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000066756d696461690000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
// pptpd's Start-Control-Connection-Reply: result 1, max channels 1,
// firmware revision 1, host name "local", vendor "linux".
constexpr std::string_view kPptpdReply =
    "009c00011a2b3c4d00020000010001000000000000000000000100016c6f63616c00000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000000000000000000006c696e757800000000000000"
    "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
// Our Stop-Control-Connection-Request, and pptpd's Stop-Control-Connection-Reply to it.
constexpr std::string_view kOurStop = "001000011a2b3c4d0003000001000000";
constexpr std::string_view kPptpdStopReply = "001000011a2b3c4d0004000001000000";

std::vector<std::uint8_t> pptpd_reply() { return from_hex(kPptpdReply); }

pptp::StartReply parse(const std::vector<std::uint8_t>& bytes, bool ended = true) {
  return pptp::parse_start_reply(bytes, ended);
}

TEST(PptpControl, BuildsTheRequestsPptpdAnswered) {
  std::vector<std::uint8_t> out(pptp::kStartMessageBytes);
  ASSERT_EQ(pptp::build_start_request(out), pptp::kStartMessageBytes);
  EXPECT_EQ(to_hex(out), kOurRequest);
  std::vector<std::uint8_t> short_buffer(pptp::kStartMessageBytes - 1);
  EXPECT_EQ(pptp::build_start_request(short_buffer), 0u);
  std::vector<std::uint8_t> stop(pptp::kStopRequestBytes);
  ASSERT_EQ(pptp::build_stop_request(stop), pptp::kStopRequestBytes);
  EXPECT_EQ(to_hex(stop), kOurStop);
}

TEST(PptpControl, ParsesPptpdsReply) {
  const pptp::StartReply r = parse(pptpd_reply());
  ASSERT_EQ(r.state, pptp::ParseState::complete) << r.error;
  EXPECT_EQ(r.bytes, 156u);
  EXPECT_EQ(boost::json::serialize(pptp::describe(r)),
            R"({"message_length":156,"message_type":1,"magic_cookie":"0x1a2b3c4d","control_type":2,)"
            R"("message":"Start-Control-Connection-Reply","protocol_version":"1.0","result_code":1,)"
            R"("result":"success","error_code":0,"framing_capabilities":0,"bearer_capabilities":0,)"
            R"("max_channels":1,"firmware_revision":1,"host_name":"local","vendor":"linux"})");
}

TEST(PptpControl, WaitsForTheWholeMessageHoweverItArrives) {
  const auto bytes = pptpd_reply();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<long>(n));
    EXPECT_EQ(parse(prefix, false).state, pptp::ParseState::incomplete) << n << " bytes";
  }
  auto more = bytes;
  more.insert(more.end(), {0x00, 0x10, 0x00, 0x01});  // the start of a next message is not this one's
  const pptp::StartReply r = parse(more, false);
  EXPECT_EQ(r.state, pptp::ParseState::complete);
  EXPECT_EQ(r.bytes, 156u);
}

TEST(PptpControl, WrongMagicFailsOnTheHeaderWithWhatWasRead) {
  auto bytes = pptpd_reply();
  bytes[7] = 0x4e;
  const pptp::StartReply r = parse(bytes, false);
  EXPECT_EQ(r.state, pptp::ParseState::invalid);
  EXPECT_EQ(r.error, "pptp: magic cookie 0x1a2b3c4e, expected 0x1a2b3c4d");
  EXPECT_EQ(boost::json::serialize(pptp::describe(r)),
            R"({"message_length":156,"message_type":1,"magic_cookie":"0x1a2b3c4e"})");
  bytes.resize(8);  // the same verdict from the first 8 bytes alone
  EXPECT_EQ(parse(bytes, false).error, r.error);
}

TEST(PptpControl, RejectsLengthsOutsideAControlMessage) {
  // "HTTP/1.1 400": its first bytes read as length 0x4854.
  EXPECT_EQ(parse({'H', 'T'}, false).error, "pptp: length field 18516 is outside a control message's 12..256");
  EXPECT_EQ(parse({0, 11}, false).error, "pptp: length field 11 is outside a control message's 12..256");
  EXPECT_EQ(boost::json::serialize(pptp::describe(parse({0, 11}, false))), R"({"message_length":11})");
}

TEST(PptpControl, LengthLiesAreProtocolErrorsWithTheFieldsThereWere) {
  // Says 200, sends 156, then nothing: truncated, every Reply field read.
  auto longer = pptpd_reply();
  longer[1] = 200;
  const pptp::StartReply waiting = parse(longer, false);
  EXPECT_EQ(waiting.state, pptp::ParseState::incomplete);
  const pptp::StartReply cut = parse(longer, true);
  EXPECT_EQ(cut.state, pptp::ParseState::invalid);
  EXPECT_EQ(cut.error, "pptp: truncated: 156 of 200 bytes");
  EXPECT_EQ(pptp::describe(cut).at("vendor").as_string(), "linux");

  // Says 100 and sends more: the Reply ends at 100, before the vendor.
  auto shorter = pptpd_reply();
  shorter[1] = 100;
  const pptp::StartReply r = parse(shorter, false);
  EXPECT_EQ(r.state, pptp::ParseState::invalid);
  EXPECT_EQ(r.error, "pptp: a Start-Control-Connection-Reply of 100 bytes, expected 156");
  const auto data = pptp::describe(r);
  EXPECT_EQ(data.at("host_name").as_string(), "local");
  EXPECT_FALSE(data.contains("vendor"));
}

TEST(PptpControl, TruncatedReplyKeepsItsFirstFields) {
  auto bytes = pptpd_reply();
  bytes.resize(100);
  const pptp::StartReply r = parse(bytes, true);
  EXPECT_EQ(r.state, pptp::ParseState::invalid);
  EXPECT_EQ(r.error, "pptp: truncated: 100 of 156 bytes");
  const auto data = pptp::describe(r);
  EXPECT_EQ(data.at("firmware_revision").to_number<std::int64_t>(), 1);
  EXPECT_EQ(data.at("host_name").as_string(), "local");
  EXPECT_FALSE(data.contains("vendor"));
  EXPECT_EQ(parse({0x00}, true).error, "pptp: truncated: 1 of 156 bytes");
}

TEST(PptpControl, OtherControlMessagesAreNotTheReply) {
  const pptp::StartReply r = parse(from_hex(kPptpdStopReply), false);
  EXPECT_EQ(r.state, pptp::ParseState::invalid);
  EXPECT_EQ(r.error,
            "pptp: control message type 4 (Stop-Control-Connection-Reply), expected a "
            "Start-Control-Connection-Reply (2)");
  EXPECT_EQ(pptp::describe(r).at("message").as_string(), "Stop-Control-Connection-Reply");
  auto management = pptpd_reply();
  management[3] = 2;
  EXPECT_EQ(parse(management).error, "pptp: message type 2, not a control message (1)");
}

TEST(PptpControl, NamesAreCutAtNulAndMadeSafeText) {
  auto bytes = pptpd_reply();
  // A host name of all 64 bytes (no NUL), and a vendor with invalid UTF-8
  // and an embedded NUL after which nothing counts.
  std::fill_n(bytes.begin() + 28, 64, 'h');
  const std::string vendor("MikroTik\xff\0hidden", 16);
  std::copy(vendor.begin(), vendor.end(), bytes.begin() + 92);
  bytes[14] = 2;  // result: general error
  bytes[15] = 6;
  const auto data = pptp::describe(parse(bytes));
  EXPECT_EQ(data.at("host_name").as_string(), std::string(64, 'h'));
  EXPECT_EQ(data.at("vendor").as_string(), "MikroTik\xEF\xBF\xBD");
  EXPECT_EQ(data.at("result").as_string(), "general-error");
  EXPECT_EQ(data.at("error_code").to_number<std::int64_t>(), 6);
}

// A PPTP server on loopback: reads the request, sends `reply`, then keeps
// what the probe sends after it.
class FakePptpServer {
 public:
  explicit FakePptpServer(std::string reply, bool close_after_reply = false)
      : server_([this, reply, close_after_reply](int fd, const std::atomic<bool>&) {
          std::string got = read_exactly(fd, pptp::kStartMessageBytes);
          {
            std::lock_guard lock(mutex_);
            request_ = got;
          }
          if (!reply.empty()) LoopbackServer::send_all(fd, reply);
          if (close_after_reply) ::shutdown(fd, SHUT_RDWR);
          got = read_exactly(fd, pptp::kStopRequestBytes);
          std::lock_guard lock(mutex_);
          after_ = got;
          finished_ = true;
          done_.notify_all();
        }) {}

  std::uint16_t port() const { return server_.port(); }
  std::string request() {
    std::lock_guard lock(mutex_);
    return request_;
  }
  // What came after the reply; waits (up to 2 s) for the server's thread
  // to have read it: the probe may finish before that thread runs.
  std::string after() {
    std::unique_lock lock(mutex_);
    done_.wait_for(lock, std::chrono::seconds(2), [this] { return finished_; });
    return after_;
  }

 private:
  static std::string read_exactly(int fd, std::size_t n) {
    std::string bytes;
    char c;
    while (bytes.size() < n && ::recv(fd, &c, 1, 0) == 1) bytes += c;
    return bytes;
  }

  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false;
  std::string request_;
  std::string after_;
  LoopbackServer server_;
};

TEST(PptpProbe, RecordsTheReplyAndSendsStop) {
  FakePptpServer server(as_string(pptpd_reply()));
  GrabHarness h("pptp");
  const GrabRecord r = h.grab(server.port());
  ASSERT_EQ(to_string(r.status), "success") << r.error;
  EXPECT_EQ(r.protocol, "pptp");
  EXPECT_EQ(r.data.at("vendor").as_string(), "linux");
  EXPECT_EQ(r.data.at("protocol_version").as_string(), "1.0");
  EXPECT_EQ(to_hex(server.request()), kOurRequest);
  EXPECT_EQ(to_hex(server.after()), kOurStop);
}

TEST(PptpProbe, WrongMagicIsAProtocolErrorWithoutWaiting) {
  auto bytes = pptpd_reply();
  bytes[4] = 0;
  FakePptpServer server(as_string(bytes));
  GrabOptions o = test::quick_grab_options();
  o.read_timeout = std::chrono::seconds(60);  // a probe that waited would time out the whole grab instead
  GrabHarness h(o, "pptp");
  const GrabRecord r = h.grab(server.port());
  EXPECT_EQ(to_string(r.status), "protocol-error");
  EXPECT_EQ(r.error, "pptp: magic cookie 0x002b3c4d, expected 0x1a2b3c4d");
  EXPECT_EQ(r.data.at("magic_cookie").as_string(), "0x002b3c4d");
  EXPECT_EQ(server.after(), "") << "no Stop for a server that did not speak PPTP";
}

TEST(PptpProbe, TruncatedReplyThenCloseIsAProtocolError) {
  auto bytes = pptpd_reply();
  bytes.resize(40);
  FakePptpServer server(as_string(bytes), true);
  GrabHarness h("pptp");
  const GrabRecord r = h.grab(server.port());
  EXPECT_EQ(to_string(r.status), "protocol-error");
  EXPECT_EQ(r.error, "pptp: truncated: 40 of 156 bytes");
  EXPECT_EQ(r.data.at("firmware_revision").to_number<std::int64_t>(), 1);
}

TEST(PptpProbe, SilenceIsAnIoTimeoutAndACloseAProtocolError) {
  FakePptpServer silent("");
  GrabHarness h("pptp");
  EXPECT_EQ(to_string(h.grab(silent.port()).status), "io-timeout");
  FakePptpServer closing("", true);
  GrabHarness h2("pptp");
  const GrabRecord r = h2.grab(closing.port());
  EXPECT_EQ(to_string(r.status), "protocol-error");
  EXPECT_TRUE(r.data.empty());
}

}  // namespace
}  // namespace fumidai::scanner
