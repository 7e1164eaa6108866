// Data for bench/db-ingest.sh, the ingest benchmark.
//
//   ingest_bench_data records --templates LAB.jsonl --annotations GRAB.jsonl
//                             --records N --seed S --start TS -o OUT.jsonl
//     N service records varied from the lab's: each a random template with
//     its own address (distinct keys), a time TS + i ms, for some a PTR name,
//     and for half the fingerprints and labels of a random annotated record.
//   ingest_bench_data copy --scan-id ID --started TS --out DIR IN.jsonl
//     The COPY text fumidai's encoder makes of IN for scan ID started at TS
//     (no attribution data), as DIR/services.copy, DIR/fingerprint_matches.copy
//     and DIR/service_labels.copy: what `psql \copy` loads for comparison.
#include <boost/json.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "fumidai/db/AttributionSnapshot.h"
#include "fumidai/db/CopyRows.h"
#include "fumidai/db/RecordLineReader.h"
#include "fumidai/db/RowEncoder.h"
#include "fumidai/db/UtcTime.h"

namespace json = boost::json;
using namespace fumidai;

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: ingest_bench_data records --templates F --annotations F --records N --seed S --start TS -o OUT\n"
               "       ingest_bench_data copy --scan-id ID --started TS --out DIR IN.jsonl\n");
  return 2;
}

std::vector<json::object> read_records(const std::string& path) {
  std::ifstream in(path);
  std::vector<json::object> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(json::parse(line).as_object());
  return out;
}

std::string arg(int argc, char** argv, const char* name) {
  for (int i = 2; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return "";
}

int make_records(int argc, char** argv) {
  const auto templates = read_records(arg(argc, argv, "--templates"));
  const auto annotated = read_records(arg(argc, argv, "--annotations"));
  const long count = std::stol(arg(argc, argv, "--records"));
  const auto start = db::parse_utc_time(arg(argc, argv, "--start"));
  const std::string out_path = arg(argc, argv, "-o");
  if (templates.empty() || annotated.empty() || count <= 0 || count > (1L << 22) || !start || out_path.empty())
    return usage();
  std::mt19937_64 rng(std::stoull(arg(argc, argv, "--seed")));
  std::FILE* out = std::fopen(out_path.c_str(), "w");
  if (out == nullptr) return 1;
  for (long i = 0; i < count; ++i) {
    json::object r = templates[rng() % templates.size()];
    // 100.64.0.0/10 holds 4M addresses: one each, so every key is distinct.
    const std::uint32_t address = (100u << 24 | 64u << 16) + static_cast<std::uint32_t>(i);
    r["ip"] = std::to_string(address >> 24) + "." + std::to_string(address >> 16 & 255) + "." +
              std::to_string(address >> 8 & 255) + "." + std::to_string(address & 255);
    r["ts"] = db::format_utc_time(*start + std::chrono::milliseconds(i)).replace(23, 3, "");  // .sssZ
    if (rng() % 3 == 0) r["ptr"] = "host-" + std::to_string(i) + ".dyn.example.net";
    if (rng() % 2 == 0) {
      const json::object& a = annotated[rng() % annotated.size()];
      r["fingerprints"] = a.at("fingerprints");
      r["labels"] = a.at("labels");
    }
    const std::string line = json::serialize(r) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) return 1;
  }
  return std::fclose(out) == 0 ? 0 : 1;
}

int make_copy(int argc, char** argv) {
  const std::string id = arg(argc, argv, "--scan-id");
  const auto started = db::parse_utc_time(arg(argc, argv, "--started"));
  const std::string dir = arg(argc, argv, "--out");
  const std::string in = argv[argc - 1];
  if (id.empty() || !started || dir.empty()) return usage();
  const db::AttributionSnapshot nothing;
  db::RowEncoder encoder(db::ScanRef{std::stoll(id), *started}, nothing);
  auto reader = db::RecordLineReader::open(in, db::RowEncoder::kMaxLineBytes);
  if (!reader) {
    std::fprintf(stderr, "%s\n", reader.error().message.c_str());
    return 1;
  }
  std::FILE* files[3];
  const char* names[3] = {"services", "fingerprint_matches", "service_labels"};
  for (int t = 0; t < 3; ++t) files[t] = std::fopen((dir + "/" + names[t] + ".copy").c_str(), "w");
  db::CopyRows rows;
  std::string_view line;
  const auto drain = [&] {
    const std::string* parts[3] = {&rows.services, &rows.fingerprint_matches, &rows.service_labels};
    for (int t = 0; t < 3; ++t) std::fwrite(parts[t]->data(), 1, parts[t]->size(), files[t]);
    rows = db::CopyRows{};
  };
  while (reader->next(line)) {
    if (auto encoded = encoder.encode_line(line, rows); !encoded) {
      std::fprintf(stderr, "%s:%llu: %s\n", in.c_str(), static_cast<unsigned long long>(reader->line_number()),
                   encoded.error().message.c_str());
      return 1;
    }
    if (rows.bytes() > (8u << 20)) drain();
  }
  drain();
  bool ok = true;
  for (std::FILE* f : files) ok &= f != nullptr && std::fclose(f) == 0;
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string mode = argv[1];
  if (mode == "records") return make_records(argc, argv);
  if (mode == "copy") return make_copy(argc, argv);
  return usage();
}
