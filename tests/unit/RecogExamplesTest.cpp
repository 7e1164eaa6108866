// Every example in Rapid7 Recog's XML (../shared/recog/xml beside the
// repository; never copied into it), run with Recog's self-test semantics
// through our translation to PCRE2. Prints the pass count, each failure and
// the translation's approximations, if any pattern needs one.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/fingerprints/RecogDatabase.h"
#include "fumidai/fingerprints/RecogInputs.h"
#include "fumidai/fingerprints/RecogOutput.h"

using namespace fumidai::fingerprints;

TEST(RecogExamples, RunEveryExample) {
  const std::filesystem::path dir = FUMIDAI_RECOG_XML_DIR;
  if (!std::filesystem::is_directory(dir))
    GTEST_SKIP() << "Recog's XML is not at " << dir.string() << " (../shared/recog/xml beside the repository)";
  auto db = RecogDatabase::load_directory(dir);
  ASSERT_TRUE(db) << db.error().message;

  std::map<std::string, std::size_t> notes;
  std::size_t prefiltered = 0;
  for (const RecogFile& file : db->files()) {
    for (const RecogFingerprint& fingerprint : file.fingerprints()) {
      for (const std::string& note : fingerprint.translation_notes()) ++notes[note];
      prefiltered += fingerprint.prefilter().prefixes().empty() ? 0 : 1;
    }
  }
  std::printf("recog: %zu files (%zu read fields we collect), %zu fingerprints, %zu with a literal prefilter\n",
              db->files().size(), db->matching_file_count(), db->fingerprint_count(), prefiltered);
  for (const auto& [note, count] : notes)
    std::printf("recog translation note (%zu fingerprints): %s\n", count, note.c_str());

  const RecogExampleReport report = db->run_examples();
  std::printf("recog examples: %zu/%zu passed, %zu skipped (external files), %zu failed\n", report.passed, report.total,
              report.skipped, report.failures.size());
  for (const RecogExampleFailure& f : report.failures)
    std::printf("  FAIL %s fingerprint %zu (%s): %s\n", f.file.c_str(), f.fingerprint, f.description.c_str(),
                f.reason.c_str());
  std::fflush(stdout);

  EXPECT_EQ(report.total, db->example_count());
  EXPECT_GT(report.total, 0u);
  // Every example that can run passes.
  EXPECT_EQ(report.passed, report.total - report.skipped);
  EXPECT_TRUE(report.failures.empty());
}

namespace {

// A name as Go's pkix.Name.String() writes it (Recog's x509 examples) → as
// our TLS module writes the same certificate's (RFC 4514, OpenSSL's type
// names, the certificate's last RDN first). Go's string is one such
// certificate's RDNs, last first already. Nothing for an OID=#DER value that
// is not DER.
std::optional<std::string> ours_from_go(std::string_view go) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {{"SERIALNUMBER", "serialNumber"},
                                                                         {"STREET", "street"},
                                                                         {"POSTALCODE", "postalCode"},
                                                                         {"1.2.840.113549.1.9.1", "emailAddress"},
                                                                         {"2.5.4.4", "SN"}};
  std::vector<std::vector<std::pair<std::string, std::string>>> rdns(1);
  std::size_t i = 0;
  while (i < go.size()) {
    const std::size_t equals = go.find('=', i);
    if (equals == std::string_view::npos) return std::nullopt;
    std::string type(go.substr(i, equals - i));
    std::string value;
    for (i = equals + 1; i < go.size() && go[i] != ',' && go[i] != '+'; ++i) {
      if (go[i] == '\\' && i + 1 < go.size()) ++i;
      value += go[i];
    }
    if (value.starts_with('#')) {  // DER: tag, length, content
      std::string der;
      for (std::size_t h = 1; h + 1 < value.size(); h += 2)
        der += static_cast<char>(std::stoi(value.substr(h, 2), nullptr, 16));
      if (der.size() < 2) return std::nullopt;
      std::size_t length = static_cast<unsigned char>(der[1]);
      std::size_t header = 2;
      if (length == 0x81 && der.size() > 2) {
        length = static_cast<unsigned char>(der[2]);
        header = 3;
      }
      if (der.size() != header + length) return std::nullopt;
      value = der.substr(header);
    }
    if (const auto mapped = kTypes.find(type); mapped != kTypes.end()) type = mapped->second;
    rdns.back().emplace_back(std::move(type), std::move(value));
    if (i < go.size() && go[i] == ',') rdns.emplace_back();
    if (i < go.size()) ++i;
  }
  std::string out;
  for (const auto& rdn : rdns) {
    for (auto it = rdn.rbegin(); it != rdn.rend(); ++it) {  // within an RDN, we write the last value first
      if (!out.empty()) out += it == rdn.rbegin() ? ',' : '+';
      out += it->first + "=";
      for (std::size_t k = 0; k < it->second.size(); ++k) {
        const char c = it->second[k];
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          out += fmt::format("\\{:02X}", static_cast<unsigned char>(c));
          continue;
        }
        if (std::string_view(",+\"\\<>;").find(c) != std::string_view::npos || (k == 0 && (c == '#' || c == ' ')) ||
            (k + 1 == it->second.size() && c == ' '))
          out += '\\';
        out += c;
      }
    }
  }
  return out;
}

}  // namespace

// The same examples through the path records take: FieldSet → match() → our
// Fingerprint. Each example is put in the record field its file reads, in
// that field's own form ("SSH-2.0-" before an SSH software version, x509
// names as our TLS module writes them), and the file must name the
// example's fingerprint, or nothing when that fingerprint names nothing.
// Not run: cookies (records keep only their names) and x509 names whose
// OID=#… value is not DER (a placeholder in Recog's data).
TEST(RecogExamples, RecordsGetEachExamplesFingerprint) {
  const std::filesystem::path dir = FUMIDAI_RECOG_XML_DIR;
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "Recog's XML is not at " << dir.string();
  auto db = RecogDatabase::load_directory(dir);
  ASSERT_TRUE(db) << db.error().message;

  MatchScratch scratch;
  std::size_t run = 0;
  std::size_t named = 0;
  std::size_t x509 = 0;
  std::size_t not_expressible = 0;
  for (const RecogFile& file : db->files()) {
    const auto inputs = recog_inputs(file.match_key());
    if (inputs.empty() || inputs.front().form == RecogInputForm::cookie_name) continue;
    const RecogInput input = inputs.front();
    const std::string id_prefix = "recog:" + std::string(file.stem()) + ":";
    for (std::size_t i = 0; i < file.fingerprints().size(); ++i) {
      for (const RecogExample& example : file.fingerprints()[i].examples()) {
        if (example.text.empty() || !example.external_file.empty()) continue;
        std::string value = example.text;
        if (input.form == RecogInputForm::ssh_software) value = "SSH-2.0-" + example.text;
        if (input.form == RecogInputForm::x509_name) {
          const auto ours = ours_from_go(example.text);
          if (!ours) {
            ++not_expressible;
            continue;
          }
          EXPECT_EQ(go_distinguished_name(*ours), example.text) << "from " << *ours;
          value = *ours;
          ++x509;
        }
        FieldSet fields;
        fields.add(input.field, value);
        std::vector<Fingerprint> out;
        std::uint64_t limit_hits = 0;
        db->match(fields, scratch, out, limit_hits);
        EXPECT_EQ(limit_hits, 0u) << file.name() << " " << i + 1;
        RecogFingerprint::Values values;
        ASSERT_EQ(file.fingerprints()[i].match(example.text, scratch, &values), MatchOutcome::matched);
        const bool names_something = recog_fingerprint(file, i, values).has_value();
        const std::string id = id_prefix + std::to_string(i + 1);
        std::size_t from_file = 0;
        bool found = false;
        for (const Fingerprint& fp : out) {
          if (!fp.id.starts_with(id_prefix)) continue;
          ++from_file;
          found = found || fp.id == id;
        }
        EXPECT_EQ(from_file, names_something ? 1u : 0u) << file.name() << " fingerprint " << i + 1;
        EXPECT_EQ(found, names_something) << file.name() << " fingerprint " << i + 1 << ": " << value;
        ++run;
        named += names_something ? 1 : 0;
      }
    }
  }
  std::printf(
      "recog examples through match(): %zu run (%zu x509 names in our form), %zu named a fingerprint, "
      "%zu x509 names not expressible\n",
      run, x509, named, not_expressible);
  EXPECT_GT(x509, 0u);
  EXPECT_LE(not_expressible, 1u);
}

// The literal prefilter only ever turns away subjects PCRE2 would not match:
// checked with every example against every fingerprint of its file.
TEST(RecogExamples, PrefilterNeverTurnsAwayAMatch) {
  const std::filesystem::path dir = FUMIDAI_RECOG_XML_DIR;
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "Recog's XML is not at " << dir.string();
  auto db = RecogDatabase::load_directory(dir);
  ASSERT_TRUE(db) << db.error().message;
  MatchScratch scratch;
  std::size_t turned_away = 0;
  for (const RecogFile& file : db->files()) {
    for (const RecogFingerprint& owner : file.fingerprints()) {
      for (const RecogExample& example : owner.examples()) {
        for (std::size_t j = 0; j < file.fingerprints().size(); ++j) {
          const RecogFingerprint& other = file.fingerprints()[j];
          if (other.prefilter().admits(example.text)) continue;
          ++turned_away;
          EXPECT_NE(other.compiled().match(example.text, scratch), MatchOutcome::matched)
              << file.name() << " fingerprint " << j + 1 << " turns away " << example.text;
        }
      }
    }
  }
  std::printf("recog prefilter: %zu example/fingerprint pairs turned away, none that match\n", turned_away);
  EXPECT_GT(turned_away, 0u);
}
