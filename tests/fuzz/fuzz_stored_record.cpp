// Fuzz target: one line of a stored scan as `fumidai fingerprint` reads it
// (any bytes; JSON when lucky), through RecordFields, the FingerprintEngine
// and ScanBatch with the embedded rules, labels and EOL list.
//
// 1. read_record_head and record_fields never fail on any JSON; a record
//    whose head reads gives the same fields from its parts as from itself.
// 2. Annotating it gives arrays of fingerprint objects (id, source, category)
//    and of labels from the label set, replacing whatever was there.
// 3. A scan of that one record labels it as the record alone is labelled
//    (host.fp.* are then its own), and the result serialises to JSON that parses.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "fumidai/fingerprints/EolList.h"
#include "fumidai/fingerprints/FingerprintEngine.h"
#include "fumidai/fingerprints/LabelSet.h"
#include "fumidai/fingerprints/RecordFields.h"
#include "fumidai/fingerprints/RuleDatabase.h"
#include "fumidai/fingerprints/ScanBatch.h"

using namespace fumidai::fingerprints;
namespace json = boost::json;

namespace {

struct Setup {
  std::shared_ptr<const LabelSet> labels = std::make_shared<const LabelSet>(LabelSet::load_embedded().value());
  FingerprintEngine engine{{std::make_shared<const RuleDatabase>(RuleDatabase::load_embedded().value())},
                           std::make_shared<const EolList>(EolList::load_embedded().value()),
                           labels};
  std::set<std::string, std::less<>> label_ids;
  Setup() {
    for (const Label& label : labels->labels()) label_ids.insert(label.id);
  }
};

void check_annotation(const json::object& record, const Setup& setup) {
  const json::value* fingerprints = record.if_contains("fingerprints");
  FUZZ_CHECK(fingerprints != nullptr && fingerprints->is_array());
  for (const json::value& f : fingerprints->get_array()) {
    FUZZ_CHECK(f.is_object());
    for (const char* key : {"id", "source", "category"}) {
      const json::value* v = f.get_object().if_contains(key);
      FUZZ_CHECK(v != nullptr && v->is_string() && !v->get_string().empty());
    }
  }
  const json::value* labels = record.if_contains("labels");
  FUZZ_CHECK(labels != nullptr && labels->is_array());
  for (const json::value& l : labels->get_array()) {
    FUZZ_CHECK(l.is_object() && l.get_object().size() == 2);
    const json::value* id = l.get_object().if_contains("id");
    FUZZ_CHECK(id != nullptr && id->is_string() && setup.label_ids.contains(std::string_view(id->get_string())));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Setup setup;
  boost::system::error_code ec;
  json::value parsed = json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  // `fumidai fingerprint` refuses a line with a number beyond a double's range.
  if (ec || !parsed.is_object() || !all_numbers_finite(parsed)) return 0;
  json::object& record = parsed.get_object();

  const FieldSet fields = record_fields(record);
  if (auto head = read_record_head(record)) {
    const FieldSet from_parts = record_fields(*head, record.at("data").as_object());
    FUZZ_CHECK(from_parts.entries() == fields.entries());
  }

  MatchScratch scratch;
  json::object alone = record;
  setup.engine.annotate(alone, scratch);
  check_annotation(alone, setup);

  ScanBatch batch(setup.engine);
  json::object scanned = record;
  batch.add(scanned, scratch);
  batch.annotate(scanned, scratch);
  check_annotation(scanned, setup);
  FUZZ_CHECK(scanned.at("fingerprints") == alone.at("fingerprints"));
  FUZZ_CHECK(scanned.at("labels") == alone.at("labels"));

  // Parses back (not necessarily equal: a huge number read as a double need not survive the trip exactly).
  const json::value round_trip = json::parse(json::serialize(scanned), ec);
  FUZZ_CHECK(!ec && round_trip.is_object());
  return 0;
}
