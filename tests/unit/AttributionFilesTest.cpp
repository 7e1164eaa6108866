// Reading attribution files: LineReader (plain and gzip, long lines, CRLF),
// and the data date from the publishers' file names.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "fumidai/db/AttributionImport.h"
#include "fumidai/db/AttributionKind.h"
#include "fumidai/db/LineReader.h"

namespace fumidai::db {
namespace {

using std::chrono::year_month_day;

year_month_day ymd(int y, unsigned m, unsigned d) {
  return year_month_day{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() / ("fumidai-attribution-" + std::to_string(getpid()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& bytes) const {
    const auto file = path_ / name;
    std::ofstream(file, std::ios::binary) << bytes;
    return file.string();
  }
  std::string write_gzip(const std::string& name, const std::string& bytes) const {
    const auto file = (path_ / name).string();
    gzFile out = gzopen(file.c_str(), "wb");
    gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(out);
    return file;
  }

 private:
  std::filesystem::path path_;
};

std::vector<std::string> read_all(const std::string& path, std::size_t max_line) {
  auto reader = LineReader::open(path, max_line);
  EXPECT_TRUE(reader) << reader.error().message;
  std::vector<std::string> out;
  for (;;) {
    auto line = reader->next();
    EXPECT_TRUE(line) << line.error().message;
    if (!line || !*line) break;
    out.push_back((*line)->too_long ? "<too long>" : std::string((*line)->text));
  }
  return out;
}

TEST(LineReader, PlainAndGzipAlike) {
  const TempDir dir;
  const std::string text = "one\r\ntwo\n\nfour without newline";
  const std::vector<std::string> expected{"one", "two", "", "four without newline"};
  EXPECT_EQ(read_all(dir.write("plain.txt", text), 64), expected);
  EXPECT_EQ(read_all(dir.write_gzip("packed.gz", text), 64), expected);
  EXPECT_TRUE(read_all(dir.write("empty.txt", ""), 64).empty());
}

TEST(LineReader, LongLinesAreReportedAndPassedOver) {
  const TempDir dir;
  // Longer than the reader's whole buffer, so it must drop and resume.
  const std::string huge(600 * 1024, 'x');
  const std::string text = "short\n" + std::string(11, 'y') + "\n" + huge + "\nafter\n" + huge;
  const auto lines = read_all(dir.write("long.txt", text), 10);
  EXPECT_EQ(lines, (std::vector<std::string>{"short", "<too long>", "<too long>", "after", "<too long>"}));
  // Exactly at the limit is fine, with or without a CR.
  EXPECT_EQ(read_all(dir.write("edge.txt", "0123456789\r\n0123456789"), 10),
            (std::vector<std::string>{"0123456789", "0123456789"}));
}

TEST(LineReader, CountsLinesAndNamesMissingFiles) {
  const TempDir dir;
  auto reader = LineReader::open(dir.write("n.txt", "a\nb\nc\n"), 16);
  ASSERT_TRUE(reader);
  ASSERT_TRUE(reader->next());
  ASSERT_TRUE(reader->next());
  EXPECT_EQ(reader->line_number(), 2u);
  auto missing = LineReader::open("/nonexistent/fumidai/file", 16);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, Error::Kind::invalid_input);
  EXPECT_NE(missing.error().message.find("/nonexistent/fumidai/file"), std::string::npos);
}

// Reads until the end or an error; true if it ended in an error naming `name`.
bool ends_in_error(const std::string& path, const std::string& name) {
  auto reader = LineReader::open(path, 1 << 20);
  EXPECT_TRUE(reader);
  for (;;) {
    auto line = reader->next();
    if (!line) {
      EXPECT_NE(line.error().message.find(name), std::string::npos) << line.error().message;
      return true;
    }
    if (!*line) return false;
  }
}

TEST(LineReader, TruncatedOrCorruptGzipIsAnError) {
  const TempDir dir;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "198.18." + std::to_string(i % 256) + ".0\t24\t" + std::to_string(i) + "\n";
  const std::string path = dir.write_gzip("whole.gz", text);
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_FALSE(ends_in_error(path, "whole.gz"));
  EXPECT_TRUE(ends_in_error(dir.write("cut.gz", bytes.substr(0, bytes.size() / 2)), "cut.gz"));
  std::string flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x55);
  EXPECT_TRUE(ends_in_error(dir.write("flipped.gz", flipped), "flipped.gz"));
}

TEST(AttributionKind, NamesRoundTrip) {
  for (const auto kind : all_attribution_kinds) EXPECT_EQ(parse_attribution_kind(kind_name(kind)), kind);
  EXPECT_FALSE(parse_attribution_kind("geolite2"));
}

TEST(AttributionKind, DateFromThePublishersNames) {
  using K = AttributionKind;
  EXPECT_EQ(data_date_from_path(K::pfx2as, "/data/routeviews-rv2-20240101-1200.pfx2as"), ymd(2024, 1, 1));
  EXPECT_EQ(data_date_from_path(K::pfx2as, "routeviews-rv6-20240102-1200.pfx2as.gz"), ymd(2024, 1, 2));
  EXPECT_EQ(data_date_from_path(K::as2org, "20240101.as-org2info.txt.gz"), ymd(2024, 1, 1));
  EXPECT_EQ(data_date_from_path(K::delegated, "x/delegated-apnic-extended-20240103"), ymd(2024, 1, 3));
  EXPECT_EQ(data_date_from_path(K::delegated, "delegated-ripencc-extended-20240104.gz"), ymd(2024, 1, 4));
  EXPECT_EQ(data_date_from_path(K::geolite2_asn, "dl/GeoLite2-ASN-CSV_20240105/GeoLite2-ASN-Blocks-IPv4.csv"),
            ymd(2024, 1, 5));
  EXPECT_FALSE(data_date_from_path(K::pfx2as, "routeviews-rv2-20241301-1200.pfx2as"));  // no 13th month
  EXPECT_FALSE(data_date_from_path(K::pfx2as, "20240101.as-org2info.txt"));            // another kind's name
  EXPECT_FALSE(data_date_from_path(K::delegated, "delegated-apnic-extended-latest"));
  EXPECT_FALSE(data_date_from_path(K::as2org, "20240101.as-org2info.txt/other"));
  EXPECT_FALSE(data_date_from_path(K::abuse, "abuse-20240101.csv"));
}

TEST(AttributionKind, ResolveDataDate) {
  const TempDir dir;
  const auto a = dir.write("delegated-apnic-extended-20240101", "");
  const auto b = dir.write("delegated-arin-extended-20240101", "");
  const auto c = dir.write("delegated-lacnic-extended-20240102", "");
  const auto plain = dir.write("abuse.csv", "");
  EXPECT_EQ(*resolve_data_date(AttributionKind::delegated, {a, b}, std::nullopt), ymd(2024, 1, 1));
  auto clash = resolve_data_date(AttributionKind::delegated, {a, c}, std::nullopt);
  ASSERT_FALSE(clash);
  EXPECT_NE(clash.error().message.find("--date"), std::string::npos);
  EXPECT_EQ(*resolve_data_date(AttributionKind::delegated, {a, c}, ymd(2023, 5, 6)), ymd(2023, 5, 6));
  std::filesystem::last_write_time(
      plain, std::chrono::file_clock::from_sys(std::chrono::sys_seconds(std::chrono::sys_days(ymd(2022, 7, 8))) +
                                        std::chrono::hours(23)));
  EXPECT_EQ(*resolve_data_date(AttributionKind::abuse, {plain}, std::nullopt), ymd(2022, 7, 8));
  auto missing = resolve_data_date(AttributionKind::abuse, {"/nonexistent/fumidai.csv"}, std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, Error::Kind::invalid_input);
}

}  // namespace
}  // namespace fumidai::db
