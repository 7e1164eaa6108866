#pragma once
// Rapid7 Recog's XML databases as a fingerprint source (`--recog DIR`).
//
// Each file is its own precedence group, as in Recog: its fingerprints are
// tried in file order and the first that matches wins. A file reads the
// fields RecogInputs maps its match key to (a file for data we never collect
// loads but never matches); with several values (a list field, or several
// fields), the earliest fingerprint that matches any of them wins. A match
// becomes a Fingerprint as RecogOutput describes; one that names nothing
// ("assert nothing" entries) still ends the file's search.
//
// Contract: immutable once loaded; match() is thread-safe (each thread brings
// its own MatchScratch) and appends at most one fingerprint per file.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/FingerprintSource.h"
#include "fumidai/fingerprints/RecogFile.h"
#include "fumidai/fingerprints/RecogInputs.h"

namespace fumidai::fingerprints {

// One example that failed Recog's self-test.
struct RecogExampleFailure {
  std::string file;         // "http_servers.xml"
  std::size_t fingerprint;  // 1-based place in the file
  std::string description;
  std::string reason;
};

// Every example run with Recog's self-test semantics: it matches its own
// fingerprint, yields each param it declares with that value, and no earlier
// fingerprint of the same file matches it (or that one would win).
struct RecogExampleReport {
  std::size_t total = 0;
  std::size_t passed = 0;
  std::size_t skipped = 0;  // their text is in a file Recog does not ship in xml/ (_filename)
  std::vector<RecogExampleFailure> failures;
};

class RecogDatabase final : public FingerprintSource {
 public:
  struct File {
    std::string name;  // "http_servers.xml"
    std::string text;
  };

  // In the given order. A malformed file or a pattern that does not compile
  // fails the load, naming the file, the line and the fingerprint.
  static Result<RecogDatabase> load(const std::vector<File>& files);
  // Every *.xml directly in `dir`, in name order.
  static Result<RecogDatabase> load_directory(const std::filesystem::path& dir);
  static Result<RecogDatabase> load_file(const std::filesystem::path& file);

  std::string_view name() const override { return "recog"; }
  void match(const FieldSet& fields, MatchScratch& scratch, std::vector<Fingerprint>& out,
             std::uint64_t& limit_hits) const override;

  const std::vector<RecogFile>& files() const { return files_; }
  std::size_t fingerprint_count() const;
  std::size_t example_count() const;
  // Files with at least one input: the ones that can match a record.
  std::size_t matching_file_count() const;

  RecogExampleReport run_examples() const;

 private:
  std::vector<RecogFile> files_;
  std::vector<std::vector<RecogInput>> inputs_;  // per file
};

}  // namespace fumidai::fingerprints
