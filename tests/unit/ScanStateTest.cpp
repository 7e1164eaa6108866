#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fumidai/core/ManualClock.h"
#include "fumidai/scanner/output/OutputModule.h"
#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/packet/SynProbeBuilder.h"
#include "fumidai/scanner/scan/Checkpoint.h"
#include "fumidai/scanner/scan/ProgressReporter.h"
#include "fumidai/scanner/scan/ResponseProcessor.h"

using namespace fumidai;
using namespace fumidai::scanner;

namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + "." + std::to_string(::getpid()))).string();
}

class CollectingOutput : public OutputModule {
 public:
  void write(const ScanResult& r) override { results.push_back(r); }
  Result<> finish() override { return {}; }
  std::vector<ScanResult> results;
};

// A reply frame from target:port to scanner:sport with the given flags.
std::array<std::uint8_t, 58> reply(std::uint32_t target, std::uint16_t port, std::uint32_t scanner, std::uint16_t sport,
                                   std::uint32_t ack, std::uint8_t flags) {
  const SynProbeBuilder b({0}, {0}, target);
  std::array<std::uint8_t, 58> f{};
  b.build({scanner, sport, port, 1234, 1}, f);
  put32(f.data() + 34 + 8, ack);
  f[34 + 13] = flags;
  return f;
}

}  // namespace

TEST(Checkpoint, ResumesWhereItStoppedAndRefusesOtherScans) {
  const std::string path = temp_path("fumidai-checkpoint");
  std::filesystem::remove(path);
  {
    auto c = Checkpoint::open(path, 77, 2, std::nullopt, 1234);
    ASSERT_TRUE(c);
    EXPECT_FALSE(c->resumed());
    EXPECT_EQ(c->seed(), 1234u);
    c->record(0, 10);
    c->record(1, 20);
  }
  {
    auto c = Checkpoint::open(path, 77, 2, std::nullopt, 999);
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->resumed());
    EXPECT_EQ(c->seed(), 1234u);  // the original scan's seed, not a fresh one
    EXPECT_EQ(c->next_step(0), 10u);
    EXPECT_EQ(c->next_step(1), 20u);
  }
  EXPECT_FALSE(Checkpoint::open(path, 78, 2, std::nullopt, 1));      // other targets/ports
  EXPECT_FALSE(Checkpoint::open(path, 77, 3, std::nullopt, 1));      // other thread count
  EXPECT_FALSE(Checkpoint::open(path, 77, 2, std::uint64_t{5}, 1));  // other seed
  { std::ofstream(path, std::ios::trunc) << "this is not a checkpoint but has the size!!!!!!!!"; }
  auto garbage = Checkpoint::open(path, 77, 2, std::nullopt, 1);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().kind, Error::Kind::invalid_input);
  std::filesystem::remove(path);
}

TEST(ResponseProcessor, ReportsEachOpenPortOnceAndIgnoresForgeries) {
  const ProbeValidator v({11, 12}, 32768, 61000, 2);
  ManualClock clock;
  ScanCounters counters;
  CollectingOutput out;
  const std::uint32_t scanner = 0xC0000202, target = 0xC6120304;
  ResponseProcessor p(v, scanner, false, out, clock, counters);
  const ProbeCookie c = v.cookie(scanner, target, 80);
  const auto genuine = reply(target, 80, scanner, v.source_port(c, 0), c.sequence + 1, 0x12);
  p.handle_frame(genuine);
  p.handle_frame(genuine);                                                                    // retransmitted SYN-ACK
  p.handle_frame(reply(target, 80, scanner, v.source_port(c, 1), c.sequence + 1, 0x12));      // answer to probe 2
  p.handle_frame(reply(target, 80, scanner, v.source_port(c, 0), c.sequence + 7, 0x12));      // forged ack
  p.handle_frame(reply(target, 80, scanner + 1, v.source_port(c, 0), c.sequence + 1, 0x12));  // not to us
  p.handle_frame(reply(target, 80, scanner, v.source_port(c, 0), c.sequence + 1, 0x10));      // bare ACK
  ASSERT_EQ(out.results.size(), 1u);
  EXPECT_EQ(out.results[0].ip, target);
  EXPECT_EQ(out.results[0].port, 80);
  EXPECT_EQ(out.results[0].status, ScanResult::Status::open);
  EXPECT_EQ(counters.open.load(), 1u);
  EXPECT_EQ(counters.duplicates.load(), 2u);
  EXPECT_EQ(counters.invalid.load(), 1u);
}

TEST(ResponseProcessor, ReportsClosedOnlyOnRequest) {
  const ProbeValidator v({11, 12}, 32768, 61000, 1);
  ManualClock clock;
  const std::uint32_t scanner = 0xC0000202, target = 0xC6120304;
  const ProbeCookie c = v.cookie(scanner, target, 23);
  const auto rst = reply(target, 23, scanner, v.source_port(c, 0), c.sequence + 1, 0x14);
  for (bool report_closed : {false, true}) {
    ScanCounters counters;
    CollectingOutput out;
    ResponseProcessor p(v, scanner, report_closed, out, clock, counters);
    p.handle_frame(rst);
    EXPECT_EQ(counters.closed.load(), 1u);
    EXPECT_EQ(out.results.size(), report_closed ? 1u : 0u);
  }
}

TEST(OutputModule, WritesJsonlAndCsvWithTheSameColumns) {
  const std::string jsonl = temp_path("fumidai-out.jsonl"), csv = temp_path("fumidai-out.csv");
  const ScanResult r{0xC6120304, 80, ScanResult::Status::open, 64, 1'700'000'000'123'000'000};
  for (const auto& [format, path] : {std::pair{"jsonl", jsonl}, std::pair{"csv", csv}}) {
    auto out = make_output_module(format, path);
    ASSERT_TRUE(out);
    (*out)->write(r);
    ASSERT_TRUE((*out)->finish());
  }
  std::stringstream j, s;
  j << std::ifstream(jsonl).rdbuf();
  s << std::ifstream(csv).rdbuf();
  EXPECT_EQ(
      j.str(),
      R"({"ip":"198.18.3.4","port":80,"transport":"tcp","status":"open","ttl":64,"ts":"2023-11-14T22:13:20.123Z"})"
      "\n");
  EXPECT_EQ(s.str(), "ip,port,transport,status,ttl,ts\n198.18.3.4,80,tcp,open,64,2023-11-14T22:13:20.123Z\n");
  EXPECT_FALSE(make_output_module("xml", jsonl));
  EXPECT_FALSE(make_output_module("jsonl", "/nonexistent/dir/out"));
  std::filesystem::remove(jsonl);
  std::filesystem::remove(csv);
}

TEST(ProgressReporter, FormatsZmapStyleStatusLines) {
  using namespace std::chrono_literals;
  ScanCounters counters;
  counters.sent = 50'000;
  counters.targets_done = 50'000;
  counters.open = 1'000;
  counters.closed = 500;
  ProgressReporter progress(counters, 100'000, 2s, stderr);
  EXPECT_EQ(progress.format(10s, std::nullopt),
            "0:10 50% (0:10 left); send: 50000 50.0 Kp/s (5.0 Kp/s avg); recv: 1500 1.5 Kp/s; hits: 2.00%; drops: 0");
  EXPECT_EQ(progress.format(21s, 20s),
            "0:21 50% (cooldown 1s left); send: 50000 50.0 Kp/s (2.5 Kp/s avg); recv: 1500 1.5 Kp/s; hits: 2.00%; "
            "drops: 0");
}
