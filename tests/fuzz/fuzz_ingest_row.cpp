// Fuzz target: one line of a stored scan as `fumidai ingest` reads it (any
// bytes; JSON when lucky) through db::RowEncoder, with a small attribution
// snapshot.
//
// 1. It is a record, or an input error with a message, and then nothing was
//    appended to the rows already there.
// 2. A record's rows are well-formed COPY text (support/CopyTextReader.h):
//    one services row of 20 fields, 14-field fingerprint rows and 7-field
//    label rows as many as counted, each starting with the scan and the
//    record's key; the jsonb fields parse as JSON, the text[] fields as array
//    literals, the time as a UTC time, the port is 1-65535.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../unit/support/CopyTextReader.h"
#include "FuzzCheck.h"
#include "fumidai/db/RowEncoder.h"

using namespace fumidai;
using namespace fumidai::db;
namespace json = boost::json;

namespace {

struct Setup {
  AttributionSnapshot attribution;
  ScanRef scan{7, *parse_utc_time("2026-11-27T11:50:42.271Z")};
  Setup() {
    attribution.add_origin(parse_prefix("198.18.0.0/15").value(), 64500, "EXAMPLE-AS");
    attribution.add_as_org(64500, "ORG-1", "Example\tISP \\ \"Ltd\"", "JP");
    attribution.add_country(parse_prefix("2001:db8::/32").value(), "DE");
  }
};

bool parses_as_json(const std::optional<std::string>& field) {
  if (!field) return false;
  boost::system::error_code ec;
  (void)json::parse(*field, ec);
  return !ec;
}

void check_key(const test::CopyRow& row, const test::CopyRow& service) {
  for (std::size_t i = 0; i < 5; ++i) FUZZ_CHECK(row[i] == service[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup setup;
  static RowEncoder encoder(setup.scan, setup.attribution);
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  CopyRows rows;
  rows.services = "earlier\n";
  rows.service_rows = 1;
  auto encoded = encoder.encode_line(line, rows);
  if (!encoded) {
    FUZZ_CHECK(encoded.error().kind == Error::Kind::invalid_input && !encoded.error().message.empty());
    FUZZ_CHECK(rows.services == "earlier\n" && rows.service_rows == 1);
    FUZZ_CHECK(rows.fingerprint_matches.empty() && rows.service_labels.empty());
    return 0;
  }
  FUZZ_CHECK(rows.service_rows == 2);
  const auto services = test::read_copy_text(std::string_view(rows.services).substr(8), 20);
  const auto fingerprints = test::read_copy_text(rows.fingerprint_matches, 14);
  const auto labels = test::read_copy_text(rows.service_labels, 7);
  FUZZ_CHECK(services && fingerprints && labels);
  FUZZ_CHECK(services->size() == 1 && fingerprints->size() == rows.fingerprint_rows &&
             labels->size() == rows.label_rows);
  const test::CopyRow& s = services->front();
  FUZZ_CHECK(s[0] == "7" && s[1] == "2026-11-27T11:50:42.271000Z");
  FUZZ_CHECK(s[2] && !s[2]->empty());
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(*s[2], ec);
  FUZZ_CHECK(!ec);
  FUZZ_CHECK(s[3] && std::stoi(*s[3]) >= 1 && std::stoi(*s[3]) <= 65535);
  FUZZ_CHECK(s[4] == "tcp" || s[4] == "udp");
  FUZZ_CHECK(s[6] && !s[6]->empty());
  FUZZ_CHECK(s[7] && parse_utc_time(*s[7]));
  FUZZ_CHECK(!s[9] || parses_as_json(s[9]));
  FUZZ_CHECK(parses_as_json(s[12]));
  FUZZ_CHECK(s[13] && test::read_text_array(*s[13]));
  FUZZ_CHECK(s[14] && test::read_text_array(*s[14]));
  FUZZ_CHECK(test::read_text_array(*s[13])->size() == fingerprints->size());
  FUZZ_CHECK(test::read_text_array(*s[14])->size() == labels->size());
  FUZZ_CHECK(labels->empty() == !s[15]);
  for (const auto& f : *fingerprints) check_key(f, s);
  for (const auto& l : *labels) check_key(l, s);
  return 0;
}
