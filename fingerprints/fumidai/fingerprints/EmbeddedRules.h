#pragma once
// The data files compiled into the library from fingerprints/ (see
// fingerprints/CMakeLists.txt): rule files in path order, labels, EOL list.
#include <span>
#include <string_view>

namespace fumidai::fingerprints {

struct EmbeddedFile {
  std::string_view name;  // relative to the repository, e.g. "fingerprints/rules/services.yaml"
  std::string_view text;
};

std::span<const EmbeddedFile> embedded_rule_files();

}  // namespace fumidai::fingerprints
