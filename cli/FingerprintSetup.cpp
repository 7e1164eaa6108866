#include "FingerprintSetup.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "fumidai/fingerprints/RecogDatabase.h"

namespace fumidai::cli {
namespace {

using namespace fumidai::fingerprints;

// labels.yaml and eol.yaml are a few hundred kilobytes at most.
constexpr std::size_t kMaxDataFileBytes = 16 * 1024 * 1024;

Result<std::string> read_text(std::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_input_error(fmt::format("cannot read {} file '{}': {}", flag, path, std::strerror(errno)));
  std::string text;
  char buffer[64 * 1024];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxDataFileBytes)
      return make_input_error(fmt::format("{} file '{}' is over {} bytes", flag, path, kMaxDataFileBytes));
  }
  if (in.bad()) return make_input_error(fmt::format("cannot read {} file '{}'", flag, path));
  return text;
}

template <class T>
Result<std::shared_ptr<const T>> shared(Result<T> loaded) {
  if (!loaded) return loaded.error();
  return std::shared_ptr<const T>(std::make_shared<T>(std::move(*loaded)));
}

}  // namespace

Result<FingerprintSetup> load_fingerprint_setup(const FingerprintFiles& files) {
  FingerprintSetup s;
  auto rules =
      shared(files.rules_dir.empty() ? RuleDatabase::load_embedded() : RuleDatabase::load_directory(files.rules_dir));
  if (!rules) return rules.error();
  s.rules = std::move(*rules);

  const auto load_labels = [&]() -> Result<LabelSet> {
    if (files.labels_file.empty()) return LabelSet::load_embedded();
    auto text = read_text("--labels", files.labels_file);
    if (!text) return text.error();
    return LabelSet::load(*text, files.labels_file);
  };
  auto labels = shared(load_labels());
  if (!labels) return labels.error();
  s.labels = std::move(*labels);

  const auto load_eol = [&]() -> Result<EolList> {
    if (files.eol_file.empty()) return EolList::load_embedded();
    auto text = read_text("--eol", files.eol_file);
    if (!text) return text.error();
    return EolList::load(*text, files.eol_file);
  };
  auto eol = shared(load_eol());
  if (!eol) return eol.error();
  s.eol = std::move(*eol);

  std::vector<std::shared_ptr<const FingerprintSource>> sources{s.rules};
  if (!files.recog_dir.empty()) {
    auto recog = shared(RecogDatabase::load_directory(files.recog_dir));
    if (!recog) return recog.error();
    sources.push_back(std::move(*recog));
  }
  s.engine = std::make_shared<const FingerprintEngine>(std::move(sources), s.eol, s.labels);
  return s;
}

}  // namespace fumidai::cli
