#include "fumidai/fingerprints/YamlReader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace fumidai::fingerprints {

Result<YAML::Node> YamlReader::parse(std::string_view text) const {
  if (text.size() > kMaxFileBytes) {
    // YAML::Node converts from almost anything: name the error alternative.
    return {boost::system::in_place_error,
            make_input_error(fmt::format("{}: {} bytes; at most {}", file_, text.size(), kMaxFileBytes))};
  }
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return {boost::system::in_place_error,
            make_input_error(fmt::format("{}:{}: YAML: {}", file_, e.mark.line + 1, e.msg))};
  }
}

int YamlReader::line(const YAML::Node& node, const YAML::Node& fallback) {
  if (node.IsDefined() && node.Mark().line >= 0) return node.Mark().line + 1;
  if (fallback.IsDefined() && fallback.Mark().line >= 0) return fallback.Mark().line + 1;
  return 1;
}

Error YamlReader::error(const YAML::Node& at, std::string_view reason) const { return error(line(at, at), reason); }

Error YamlReader::error(int line, std::string_view reason) const {
  return make_input_error(fmt::format("{}:{}: {}", file_, line, reason));
}

Result<void> YamlReader::check_mapping(const YAML::Node& node, std::initializer_list<std::string_view> allowed,
                                       std::string_view what) const {
  if (!node.IsMap()) return error(node, fmt::format("{}: expected a mapping", what));
  std::vector<std::string> seen;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) return error(entry.first, fmt::format("{}: a key must be a plain string", what));
    const std::string key = entry.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (std::string_view name : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", name);
      return error(entry.first, fmt::format("{}: unknown key '{}' (expected one of: {})", what, key, list));
    }
    // yaml-cpp keeps both copies of a repeated key; lookups would see only one.
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return error(entry.first, fmt::format("{}: key '{}' given twice", what, key));
    }
    seen.push_back(key);
  }
  return {};
}

Result<std::optional<std::string>> YamlReader::scalar(const YAML::Node& map, std::string_view key,
                                                      std::string_view what, bool non_empty) const {
  const YAML::Node value = map[std::string(key)];
  if (!value.IsDefined()) return std::optional<std::string>();
  if (value.IsNull() && !non_empty) return std::optional<std::string>(std::string());
  if (!value.IsScalar()) return error(line(value, map), fmt::format("{}: '{}' must be a string", what, key));
  if (non_empty && value.Scalar().empty()) return error(line(value, map), fmt::format("{}: '{}' is empty", what, key));
  return std::optional<std::string>(value.Scalar());
}

Result<std::optional<bool>> YamlReader::boolean(const YAML::Node& map, std::string_view key,
                                                std::string_view what) const {
  const YAML::Node value = map[std::string(key)];
  if (!value.IsDefined()) return std::optional<bool>();
  bool out = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, out)) {
    return error(line(value, map), fmt::format("{}: '{}' must be true or false", what, key));
  }
  return std::optional<bool>(out);
}

Result<std::optional<int>> YamlReader::integer(const YAML::Node& map, std::string_view key,
                                               std::string_view what) const {
  const YAML::Node value = map[std::string(key)];
  if (!value.IsDefined()) return std::optional<int>();
  const std::string text = value.IsScalar() ? value.Scalar() : std::string();
  int out = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return error(line(value, map), fmt::format("{}: '{}' must be an integer", what, key));
  }
  return std::optional<int>(out);
}

}  // namespace fumidai::fingerprints
