#pragma once
// The fingerprint stage's data, loaded and compiled once per run: our rule
// database, Recog's XML when asked for, the labels and the end-of-life list.
// Shared by `fumidai fingerprint`, `fumidai grab` and `fumidai scan --grab`.
#include <memory>
#include <string>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/EolList.h"
#include "fumidai/fingerprints/FingerprintEngine.h"
#include "fumidai/fingerprints/LabelSet.h"
#include "fumidai/fingerprints/RuleDatabase.h"

namespace fumidai::cli {

// Empty means the file compiled into the binary (Recog: none).
struct FingerprintFiles {
  std::string rules_dir;    // --rules: every *.yaml below it replaces fingerprints/rules
  std::string recog_dir;    // --recog: Recog's XML files, a source after ours
  std::string labels_file;  // --labels: replaces fingerprints/labels.yaml
  std::string eol_file;     // --eol: replaces fingerprints/eol.yaml
};

struct FingerprintSetup {
  std::shared_ptr<const fingerprints::RuleDatabase> rules;
  std::shared_ptr<const fingerprints::LabelSet> labels;
  std::shared_ptr<const fingerprints::EolList> eol;
  std::shared_ptr<const fingerprints::FingerprintEngine> engine;  // all of the above, and Recog's
};

// A file that does not load is an input error naming it (and its line).
Result<FingerprintSetup> load_fingerprint_setup(const FingerprintFiles& files);

}  // namespace fumidai::cli
