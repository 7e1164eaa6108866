#pragma once
// Reading one YAML data file (rules, labels, EOL list) with every error as
// "FILE:LINE: reason". Internal to the fingerprints library: only .cpp files
// include this header (yaml-cpp is a private dependency).
//
// Contract: holds the file's name only; cheap to copy; yaml-cpp's exceptions
// never leave these functions (they become errors).
#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"

namespace fumidai::fingerprints {

class YamlReader {
 public:
  // Data files are written by people; anything this large is a mistake.
  static constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;

  explicit YamlReader(std::string_view file) : file_(file) {}
  const std::string& file() const { return file_; }

  // The whole document; an empty file is a null node.
  Result<YAML::Node> parse(std::string_view text) const;

  // 1-based line of `node`, or of `fallback` when `node` has no position
  // (a missing key): a line is always given.
  static int line(const YAML::Node& node, const YAML::Node& fallback);
  Error error(const YAML::Node& at, std::string_view reason) const;
  Error error(int line, std::string_view reason) const;

  // `node` must be a mapping whose keys are all in `allowed`, each once.
  Result<void> check_mapping(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                             std::string_view what) const;
  // map[key] as a scalar string: nullopt when absent, an error when it is a
  // list or mapping (or empty when `non_empty`).
  Result<std::optional<std::string>> scalar(const YAML::Node& map, std::string_view key, std::string_view what,
                                            bool non_empty = true) const;
  Result<std::optional<bool>> boolean(const YAML::Node& map, std::string_view key, std::string_view what) const;
  Result<std::optional<int>> integer(const YAML::Node& map, std::string_view key, std::string_view what) const;

 private:
  std::string file_;
};

}  // namespace fumidai::fingerprints
