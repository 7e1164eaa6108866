#include "fumidai/fingerprints/FieldSet.h"

#include <algorithm>

namespace fumidai::fingerprints {

void FieldSet::add(std::string_view name, std::string value) {
  if (value.empty()) return;
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e.first == name; });
  if (it == entries_.end()) {
    entries_.emplace_back(std::string(name), std::vector<std::string>{std::move(value)});
  } else {
    it->second.push_back(std::move(value));
  }
}

std::span<const std::string> FieldSet::values(std::string_view name) const {
  // Records have a few dozen fields at most: a linear scan beats hashing here.
  for (const auto& [key, list] : entries_) {
    if (key == name) return list;
  }
  return {};
}

}  // namespace fumidai::fingerprints
