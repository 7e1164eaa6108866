// An export of 1,000,000 exposures streams at bounded memory: rows generated
// server-side (as bench/db-queries-data.sql does), every chunk pulled, none
// larger than one cursor fetch.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "ApiFixture.h"
#include "fumidai/db/ExposureExport.h"

namespace fumidai::api {
namespace {

constexpr int kRows = 1000000;

TEST(ExportScale, AMillionRowsStreamInBoundedChunks) {
  test::ApiFixture fixture;
  fixture.database().exec(fmt::format(
      "INSERT INTO hosts (ip, first_seen, last_seen, last_scan_id, asn, org_id, org_name, country, services) "
      "SELECT '10.0.0.0'::inet + i, '2026-04-06', '2026-04-13', 1, 64496 + i % 5, 'ORG-' || i % 5, 'ISP ' || i % 5, "
      "       'JP', 1 FROM generate_series(0, {} - 1) i;"
      "INSERT INTO host_services (ip, port, transport, first_seen, last_seen, first_scan_id, last_scan_id, protocol, "
      "                           status, fingerprints, categories, labels) "
      "SELECT '10.0.0.0'::inet + i, 80, 'tcp', '2026-04-06', '2026-04-13', 1, 1, 'http', 'success', "
      "       '[{{\"id\":\"tplink-archer-c7\",\"category\":\"router\",\"vendor\":\"TP-Link\",\"product\":\"Archer "
      "C7\"}}]', "
      "       '{{router}}', '{{admin-panel-exposed}}' FROM generate_series(0, {} - 1) i;"
      "ANALYZE hosts; ANALYZE host_services;",
      kRows, kRows));

  std::size_t rows = 0;
  std::size_t chunks = 0;
  std::size_t largest_chunk = 0;
  std::size_t most_rows = 0;
  const auto started = std::chrono::steady_clock::now();
  const auto reply =
      fixture.call(test::researcher(), "/v1/exports/exposures.csv",
                   {{"pseudonymize", "prefix24"}, {"columns", "shadowserver"}}, [&](const std::string& chunk) {
                     const auto lines = static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
                     rows += lines;
                     ++chunks;
                     largest_chunk = std::max(largest_chunk, chunk.size());
                     most_rows = std::max(most_rows, lines);
                   });
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(reply.status, 200u);
  EXPECT_EQ(rows, kRows + 1u);  // and the header
  EXPECT_LE(most_rows, db::ExposureExport::kChunkRows + 1u);
  EXPECT_LE(largest_chunk, 512u * 1024);
  EXPECT_GE(chunks, static_cast<std::size_t>(kRows / db::ExposureExport::kChunkRows));
  std::printf("exported %d rows in %.1f s (%.0f rows/s), %zu chunks, largest %zu bytes\n", kRows, seconds,
              kRows / seconds, chunks, largest_chunk);
}

}  // namespace
}  // namespace fumidai::api
