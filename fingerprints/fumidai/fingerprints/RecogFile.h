#pragma once
// One Recog XML database (xml/http_servers.xml …): the <fingerprints> root
// with its matches, protocol, database_type and preference attributes, and
// its <fingerprint> entries in file order, which is their precedence (the
// first that matches wins).
//
// The XML is read with the scanner's bounded XmlPullParser (no DOCTYPE, so
// no entity expansion), under limits sized for Recog's files. Elements
// Recog's Ruby reader does not look at are skipped, as it skips them.
//
// Contract: immutable once parsed; safe to read and match from many threads.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/RecogFingerprint.h"

namespace fumidai::fingerprints {

class RecogFile {
 public:
  // Largest file read: Recog's largest is about 500 KB.
  static constexpr std::size_t kMaxFileBytes = 32 * 1024 * 1024;

  // `name` is the file name ("http_servers.xml"), used in messages and ids.
  // An error names the file, the line and, inside one, the fingerprint.
  static Result<RecogFile> parse(std::string_view name, std::string_view xml);

  const std::string& name() const { return name_; }
  // The name without ".xml": "http_servers".
  std::string_view stem() const;
  // The matches attribute, or the stem when there is none (as in Recog).
  const std::string& match_key() const { return match_key_; }
  const std::string& protocol() const { return protocol_; }  // lower case, as Recog uses it
  const std::string& database_type() const { return database_type_; }
  const std::string& preference() const { return preference_; }
  const std::vector<RecogFingerprint>& fingerprints() const { return fingerprints_; }

  // What Recog's Fingerprint#match returns for fingerprint `index` (0-based):
  // the params, then, when absent, "service.protocol" (the file's protocol),
  // "fingerprint_db" (the match key) and "matched" (the description).
  MatchOutcome recog_result(std::size_t index, std::string_view subject, MatchScratch& scratch,
                            RecogFingerprint::Values& values) const;

 private:
  std::string name_;
  std::string match_key_;
  std::string protocol_;
  std::string database_type_;
  std::string preference_;
  std::vector<RecogFingerprint> fingerprints_;
};

}  // namespace fumidai::fingerprints
