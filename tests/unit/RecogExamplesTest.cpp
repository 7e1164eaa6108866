// Every example in Rapid7 Recog's XML (../shared/recog/xml beside the
// repository; never copied into it), run with Recog's self-test semantics
// through our translation to PCRE2. Prints the pass count, each failure and
// the translation's approximations, if any pattern needs one.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
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

// The same examples through the path records take: FieldSet → match() → our
// Fingerprint. Each example is put in the record field its file reads (in
// the field's own form: "SSH-2.0-" before an SSH software version), and the
// file must name the example's fingerprint, or nothing when that
// fingerprint names nothing. Not run: x509 names (our RFC 4514 form is
// Go's reordered, which has no single inverse) and cookies (records keep
// only their names).
TEST(RecogExamples, RecordsGetEachExamplesFingerprint) {
  const std::filesystem::path dir = FUMIDAI_RECOG_XML_DIR;
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "Recog's XML is not at " << dir.string();
  auto db = RecogDatabase::load_directory(dir);
  ASSERT_TRUE(db) << db.error().message;

  MatchScratch scratch;
  std::size_t run = 0;
  std::size_t named = 0;
  for (const RecogFile& file : db->files()) {
    const auto inputs = recog_inputs(file.match_key());
    if (inputs.empty()) continue;
    const RecogInput input = inputs.front();
    if (input.form == RecogInputForm::x509_name || input.form == RecogInputForm::cookie_name) continue;
    const std::string id_prefix = "recog:" + std::string(file.stem()) + ":";
    for (std::size_t i = 0; i < file.fingerprints().size(); ++i) {
      for (const RecogExample& example : file.fingerprints()[i].examples()) {
        if (example.text.empty() || !example.external_file.empty()) continue;
        FieldSet fields;
        fields.add(input.field, input.form == RecogInputForm::ssh_software ? "SSH-2.0-" + example.text : example.text);
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
        EXPECT_EQ(found, names_something) << file.name() << " fingerprint " << i + 1 << ": " << example.text;
        ++run;
        named += names_something ? 1 : 0;
      }
    }
  }
  std::printf("recog examples through match(): %zu run, %zu named a fingerprint\n", run, named);
  EXPECT_GT(run, 0u);
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
