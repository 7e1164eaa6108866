#include "fumidai/fingerprints/RecogDatabase.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "fumidai/fingerprints/RecogOutput.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::fingerprints {

namespace {

Result<std::string> read_bounded(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return make_input_error(fmt::format("{}: {}", path.string(), ec.message()));
  if (size > RecogFile::kMaxFileBytes)
    return make_input_error(fmt::format("{}: larger than {} bytes", path.string(), RecogFile::kMaxFileBytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_input_error(fmt::format("{}: cannot be read", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return make_input_error(fmt::format("{}: read failed", path.string()));
  return text.str();
}

std::string_view outcome_reason(MatchOutcome outcome) {
  switch (outcome) {
    case MatchOutcome::matched:
      return "matched";
    case MatchOutcome::no_match:
      return "does not match its own pattern";
    case MatchOutcome::limit_exceeded:
      return "hits PCRE2's match limit on its own pattern";
    case MatchOutcome::error:
      break;
  }
  return "PCRE2 failed on its own pattern";
}

}  // namespace

Result<RecogDatabase> RecogDatabase::load(const std::vector<File>& files) {
  RecogDatabase db;
  for (const File& file : files) {
    auto parsed = RecogFile::parse(file.name, file.text);
    if (!parsed) return parsed.error();
    db.inputs_.push_back(recog_inputs(parsed->match_key()));
    db.files_.push_back(std::move(*parsed));
  }
  return db;
}

Result<RecogDatabase> RecogDatabase::load_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> paths;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".xml" && it->is_regular_file()) paths.push_back(it->path());
  if (ec) return make_input_error(fmt::format("{}: {}", dir.string(), ec.message()));
  if (paths.empty()) return make_input_error(fmt::format("{}: no *.xml files", dir.string()));
  std::sort(paths.begin(), paths.end());
  std::vector<File> files;
  for (const auto& path : paths) {
    auto text = read_bounded(path);
    if (!text) return text.error();
    files.push_back({path.filename().string(), std::move(*text)});
  }
  return load(files);
}

Result<RecogDatabase> RecogDatabase::load_file(const std::filesystem::path& file) {
  auto text = read_bounded(file);
  if (!text) return text.error();
  return load({{file.filename().string(), std::move(*text)}});
}

void RecogDatabase::match(const FieldSet& fields, MatchScratch& scratch, std::vector<Fingerprint>& out,
                          std::uint64_t& limit_hits) const {
  std::vector<std::string> converted;
  std::vector<std::string_view> subjects;
  RecogFingerprint::Values values;
  for (std::size_t f = 0; f < files_.size(); ++f) {
    std::size_t count = 0;
    for (const RecogInput& input : inputs_[f]) count += fields.values(input.field).size();
    if (count == 0) continue;
    converted.clear();
    converted.reserve(count);  // no reallocation: `subjects` points into it
    subjects.clear();
    for (const RecogInput& input : inputs_[f]) {
      for (const std::string& value : fields.values(input.field)) {
        if (input.form == RecogInputForm::as_is) {
          subjects.push_back(value);
        } else {
          subjects.push_back(converted.emplace_back(recog_subject(input.form, value)));
        }
      }
    }
    const auto& fingerprints = files_[f].fingerprints();
    bool claimed = false;
    for (std::size_t i = 0; i < fingerprints.size() && !claimed; ++i) {
      for (const std::string_view subject : subjects) {
        const MatchOutcome outcome = fingerprints[i].match(subject, scratch, &values);
        if (outcome == MatchOutcome::limit_exceeded) ++limit_hits;
        if (outcome != MatchOutcome::matched) continue;
        if (auto fingerprint = recog_fingerprint(files_[f], i, values)) out.push_back(std::move(*fingerprint));
        claimed = true;
        break;
      }
    }
  }
}

std::size_t RecogDatabase::fingerprint_count() const {
  std::size_t n = 0;
  for (const RecogFile& file : files_) n += file.fingerprints().size();
  return n;
}

std::size_t RecogDatabase::example_count() const {
  std::size_t n = 0;
  for (const RecogFile& file : files_)
    for (const RecogFingerprint& fingerprint : file.fingerprints()) n += fingerprint.examples().size();
  return n;
}

std::size_t RecogDatabase::matching_file_count() const {
  return static_cast<std::size_t>(
      std::count_if(inputs_.begin(), inputs_.end(), [](const auto& inputs) { return !inputs.empty(); }));
}

RecogExampleReport RecogDatabase::run_examples() const {
  RecogExampleReport report;
  MatchScratch scratch;
  RecogFingerprint::Values values;
  for (const RecogFile& file : files_) {
    const auto& fingerprints = file.fingerprints();
    for (std::size_t i = 0; i < fingerprints.size(); ++i) {
      auto fail = [&](std::string reason) {
        report.failures.push_back({file.name(), i + 1, fingerprints[i].description(), std::move(reason)});
      };
      for (const RecogExample& example : fingerprints[i].examples()) {
        ++report.total;
        if (!example.external_file.empty()) {
          ++report.skipped;
          continue;
        }
        const std::string shown = scanner::quote_bytes(example.text, 80);
        const MatchOutcome outcome = file.recog_result(i, example.text, scratch, values);
        if (outcome != MatchOutcome::matched) {
          fail(fmt::format("{} {}", shown, outcome_reason(outcome)));
          continue;
        }
        std::string wrong;
        for (const auto& [key, expected] : example.expected) {
          // Clang before 16 cannot capture a structured binding: compare through a plain reference.
          const auto& wanted = key;
          const auto found =
              std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == wanted; });
          if (found == values.end() || !found->second) {
            wrong = fmt::format("{} yields no {} (expected {})", shown, key, scanner::quote_bytes(expected));
          } else if (*found->second != expected) {
            wrong = fmt::format("{} yields {}={}, expected {}", shown, key, scanner::quote_bytes(*found->second),
                                scanner::quote_bytes(expected));
          }
          if (!wrong.empty()) break;
        }
        for (std::size_t j = 0; j < i && wrong.empty(); ++j) {
          if (fingerprints[j].match(example.text, scratch, nullptr) == MatchOutcome::matched)
            wrong = fmt::format("{} is claimed first by fingerprint {} ({})", shown, j + 1,
                                scanner::quote_bytes(fingerprints[j].description(), 64));
        }
        if (!wrong.empty()) {
          fail(std::move(wrong));
          continue;
        }
        ++report.passed;
      }
    }
  }
  return report;
}

}  // namespace fumidai::fingerprints
