// Fuzz target: the rule engine over untrusted field values. The input is a
// list of fields separated by NUL bytes; each field's first byte picks its
// name (from kFields, modulo) and the rest is its value, so a name can repeat
// (a multi-valued field). The fixed rule set is the embedded database, with
// the embedded labels and EOL list.
//
// 1. Matching with the literal prefilter gives exactly what evaluating every
//    rule gives (the prefilter never drops a rule that matches).
// 2. At most one fingerprint per category, each with an id, a category and a
//    confidence in 1..100.
//    When every value is valid UTF-8, so is every output string.
// 3. Labels over the fingerprints' fp.* fields, and the EOL list, run without
//    fault; every label found is one of the set's.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "FuzzCheck.h"
#include "fumidai/fingerprints/EolList.h"
#include "fumidai/fingerprints/LabelSet.h"
#include "fumidai/fingerprints/RuleDatabase.h"

using namespace fumidai::fingerprints;

namespace {

constexpr std::string_view kFields[] = {"ssh.banner",         "telnet.banner",
                                        "ftp.banner",         "http.server",
                                        "http.title",         "http.body",
                                        "http.realm",         "http.www_authenticate",
                                        "http.location",      "http.headers.x-powered-by",
                                        "upnp.server",        "upnp.manufacturer",
                                        "upnp.model_name",    "upnp.model_number",
                                        "upnp.friendly_name", "pptp.vendor",
                                        "pptp.hostname",      "l2tp.vendor",
                                        "ike.vendor_ids",     "cwmp.server",
                                        "tls.subject",        "tls.issuer",
                                        "proxy.verdict",      "proxy.software",
                                        "service.protocol",   "service.status",
                                        "http.status",        "openvpn.message",
                                        "sslvpn.product",     "http.cookie_names"};

struct Engine {
  RuleDatabase rules = RuleDatabase::load_embedded().value();
  LabelSet labels = LabelSet::load_embedded().value();
  EolList eol = EolList::load_embedded().value();
};

bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::string describe(const std::vector<Fingerprint>& fps) {
  std::string out;
  for (const auto& fp : fps) out += boost::json::serialize(fp.to_json()) + "\n";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Engine engine;
  static MatchScratch scratch;

  FieldSet fields;
  bool utf8 = true;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const std::size_t end = input.find('\0');
    const std::string_view chunk = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (chunk.empty()) continue;
    const auto pick = static_cast<unsigned char>(chunk[0]) % std::size(kFields);
    utf8 = utf8 && valid_utf8(chunk.substr(1));
    fields.add(kFields[pick], std::string(chunk.substr(1)));
  }

  // 1. Prefilter against every rule.
  std::vector<Fingerprint> found;
  std::vector<Fingerprint> exhaustive;
  std::uint64_t limit_hits = 0;
  engine.rules.match(fields, scratch, found, limit_hits);
  engine.rules.match_exhaustive(fields, scratch, exhaustive, limit_hits);
  FUZZ_CHECK(describe(found) == describe(exhaustive));
  FUZZ_CHECK(engine.rules.candidates(fields) <= engine.rules.rule_count());

  // 2. One per category, well formed.
  std::set<std::string> categories;
  for (Fingerprint& fp : found) {
    FUZZ_CHECK(!fp.id.empty());
    FUZZ_CHECK(fp.source == "fumidai");
    FUZZ_CHECK(categories.insert(fp.category).second);
    FUZZ_CHECK(fp.confidence >= 1 && fp.confidence <= 100);
    if (utf8) {
      for (const std::string* text : {&fp.vendor, &fp.product, &fp.version, &fp.device, &fp.cpe}) {
        FUZZ_CHECK(valid_utf8(*text));
      }
    }
    engine.eol.annotate(fp, scratch);
    FUZZ_CHECK(fp.eol_date.empty() == fp.eol_source.empty());
  }

  // 3. Labels, with the fingerprints as fp.* and host.fp.*.
  for (const Fingerprint& fp : found) {
    for (const std::string_view prefix : {"fp.", "host.fp."}) {
      const std::string p(prefix);
      fields.add(p + "id", fp.id);
      fields.add(p + "category", fp.category);
      fields.add(p + "vendor", fp.vendor);
      fields.add(p + "product", fp.product);
      fields.add(p + "device", fp.device);
      if (!fp.eol_date.empty()) fields.add(p + "eol", "true");
    }
  }
  for (const Label* label : engine.labels.evaluate(fields, scratch, limit_hits)) {
    FUZZ_CHECK(label >= engine.labels.labels().data() &&
               label < engine.labels.labels().data() + engine.labels.labels().size());
  }
  return 0;
}
