// The engine's small parts and its user-edited inputs: the port profile
// format, stdin target lines, the token bucket and the politeness gate.
#include <gtest/gtest.h>

#include "fumidai/core/TokenBucket.h"
#include "fumidai/scanner/grab/PolitenessGate.h"
#include "fumidai/scanner/grab/PortProfile.h"
#include "fumidai/scanner/grab/ProbeRegistry.h"
#include "fumidai/scanner/grab/TargetLineParser.h"

namespace fumidai::scanner {
namespace {

using namespace std::chrono_literals;

ProbeRegistry builtin() {
  ProbeRegistry r;
  register_builtin_probes(r);
  return r;
}

TEST(PortProfile, BuiltInProfileParsesAndNamesItsExamples) {
  const ProbeRegistry registry = builtin();
  const PortProfile p = PortProfile::built_in(registry);
  EXPECT_EQ(p.module_for(80)->name(), "http");
  EXPECT_EQ(p.module_for(443)->name(), "https");
  EXPECT_EQ(p.module_for(7547)->name(), "cwmp");
  EXPECT_EQ(p.module_for(1900, Transport::udp)->name(), "upnp");
  EXPECT_EQ(p.module_for(22)->name(), "ssh");
  EXPECT_EQ(p.module_for(2222)->name(), "banner") << "unlisted ports go to the fallback";
}

TEST(PortProfile, ErrorsNameTheLineAndTheValue) {
  const ProbeRegistry registry = builtin();
  const auto error = [&](std::string_view text) {
    auto p = PortProfile::parse(text, "p.conf", registry);
    EXPECT_FALSE(p) << text;
    return p ? std::string() : p.error().message;
  };
  EXPECT_EQ(error("80 http\n81 gopher\n* banner\n"), "p.conf:2: unknown probe module \"gopher\"");
  EXPECT_EQ(error("70000 http\n* banner\n"), "p.conf:1: bad port \"70000\"");
  EXPECT_EQ(error("80 http\n80 https\n* banner\n"), "p.conf:2: port 80/tcp is listed twice");
  EXPECT_EQ(error("80\n"), "p.conf:1: expected \"PORT[/udp] MODULE\", got \"80\"");
  EXPECT_EQ(error("80 http\n"), "p.conf: no \"* MODULE\" line for the TCP ports not listed");
  EXPECT_EQ(error("53/udp http\n* banner\n"), "p.conf:1: module \"http\" speaks tcp, not udp");
  EXPECT_EQ(error("53/sctp http\n* banner\n"), "p.conf:1: bad transport \"sctp\" (tcp or udp)");
  EXPECT_EQ(error("80/tcp http\n80 http\n* banner\n"), "p.conf:2: port 80/tcp is listed twice");
  EXPECT_EQ(error("* http\n* banner\n"), "p.conf:2: a second \"*\" line");
  auto ok = PortProfile::parse("# c\n\n  8291 http  # winbox? no: webfig\r\n* banner\n", "p.conf", registry);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->module_for(8291)->name(), "http");
}

TEST(TargetLine, AcceptsStageOneJsonAndListForms) {
  const auto target = [](std::string_view line) {
    auto r = parse_target_line(line);
    EXPECT_TRUE(r) << line << ": " << (r ? "" : r.error().message);
    return r ? r->value_or(GrabTarget{}) : GrabTarget{};
  };
  const GrabTarget expected{0xc6120304, 8080};
  EXPECT_EQ(target(R"({"ip":"198.18.3.4","port":8080,"proto":"tcp","status":"open","ttl":64})"), expected);
  EXPECT_EQ(target(R"({"ip":"198.18.3.4","port":8080,"transport":"tcp","status":"open","ttl":64})"), expected);
  EXPECT_EQ(target("198.18.3.4:8080"), expected);
  EXPECT_EQ(target("198.18.3.4 8080\r"), expected);
  EXPECT_EQ(target("  198.18.3.4,8080"), expected);
  EXPECT_EQ(target("198.18.3.4:8080/tcp"), expected);
  const GrabTarget udp{0xc6120304, 500, Transport::udp};
  EXPECT_EQ(target("198.18.3.4:500/udp"), udp);
  EXPECT_EQ(target("198.18.3.4 500/udp"), udp);
  EXPECT_EQ(target(R"({"ip":"198.18.3.4","port":500,"transport":"udp","status":"open"})"), udp);
  for (std::string_view skipped : {"", "# comment", R"({"ip":"198.18.3.4","port":80,"status":"closed"})"}) {
    auto r = parse_target_line(skipped);
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r) << skipped;
  }
}

TEST(TargetLine, RejectsWithAMessageNamingTheLine) {
  for (std::string_view bad :
       {"198.18.3.4", "198.18.3.4:0", "198.18.3.4:65536", "300.1.1.1:80", "host:80", R"({"ip":"198.18.3.4"})",
        R"({"ip":1,"port":80})", "{not json", "[1,2]", "198.18.3.4:500/sctp", "198.18.3.4:/udp",
        R"({"ip":"198.18.3.4","port":500,"transport":17})"}) {
    auto r = parse_target_line(bad);
    EXPECT_FALSE(r) << bad;
  }
  EXPECT_FALSE(parse_target_line(std::string(kMaxTargetLineBytes + 1, '1')));
}

TEST(TokenBucket, PacesOnTheInjectedClock) {
  TokenBucket b(100, 1);  // one every 10 ms, no saving up
  const Nanos t0 = 1s;
  EXPECT_TRUE(b.try_take(t0));
  EXPECT_FALSE(b.try_take(t0));
  EXPECT_EQ(b.next_token(t0), t0 + 10ms);
  EXPECT_FALSE(b.try_take(t0 + 9ms));
  EXPECT_TRUE(b.try_take(t0 + 10ms));
  // A long pause saves up at most the burst.
  EXPECT_TRUE(b.try_take(t0 + 10s));
  EXPECT_FALSE(b.try_take(t0 + 10s));
  int granted = 0;
  for (Nanos t = t0 + 10s; t < t0 + 11s; t += 1ms) granted += b.try_take(t);
  EXPECT_EQ(granted, 99);  // 100 per second, one already taken at t0 + 10 s
  TokenBucket unlimited(0, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(unlimited.try_take(t0));
}

TEST(TokenBucket, AnIdleBucketHoldsTheBurstAndNoMore) {
  TokenBucket b(10, 3);                       // one every 100 ms, 3 saved up
  for (Nanos t0 : {Nanos(1s), Nanos(60s)}) {  // at the start, and after a long pause
    EXPECT_TRUE(b.try_take(t0));
    EXPECT_TRUE(b.try_take(t0));
    EXPECT_TRUE(b.try_take(t0));
    EXPECT_FALSE(b.try_take(t0));
    EXPECT_EQ(b.next_token(t0), t0 + 100ms);
  }
}

TEST(PolitenessGate, CountsPerHostAndPerPrefix) {
  PolitenessGate g(2, 3);
  const std::uint32_t a = 0xc6120301, b = 0xc6120302, other = 0xc6120401;
  EXPECT_TRUE(g.may_start(a));
  g.started(a);
  g.started(a);
  EXPECT_FALSE(g.may_start(a)) << "per host";
  EXPECT_TRUE(g.may_start(b));
  g.started(b);
  EXPECT_FALSE(g.may_start(b)) << "per /24: three open in 198.18.3.0/24";
  EXPECT_TRUE(g.may_start(other));
  g.finished(a);
  EXPECT_TRUE(g.may_start(a));
  EXPECT_TRUE(g.may_start(b));
  g.finished(a);
  g.finished(b);
  EXPECT_EQ(g.open_to_prefix(a), 0u);
}

}  // namespace
}  // namespace fumidai::scanner
