#include "fumidai/fingerprints/RecogFingerprint.h"

#include <fmt/format.h>

#include <algorithm>

#include "fumidai/fingerprints/RecogRegex.h"

namespace fumidai::fingerprints {

namespace {

// The {name} references in a fixed value, each once, in order (Recog scans
// for \{([^\s{}]+)\}).
std::vector<std::string> references(std::string_view value) {
  std::vector<std::string> names;
  for (std::size_t open = value.find('{'); open != std::string_view::npos; open = value.find('{', open + 1)) {
    std::size_t end = open + 1;
    while (end < value.size() && value[end] != '}' && value[end] != '{' && value[end] != ' ' && value[end] != '\t' &&
           value[end] != '\n' && value[end] != '\r' && value[end] != '\f' && value[end] != '\v')
      ++end;
    if (end == open + 1 || end >= value.size() || value[end] != '}') continue;
    std::string name(value.substr(open + 1, end - open - 1));
    bool seen = false;
    for (const auto& n : names) seen = seen || n == name;
    if (!seen) names.push_back(std::move(name));
  }
  return names;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

Result<RecogFingerprint> RecogFingerprint::compile(Spec spec) {
  auto translation = RecogRegex::translate(spec.pattern, spec.flags);
  if (!translation) return translation.error();
  auto pattern = Pattern::compile(translation->pattern, translation->options);
  if (!pattern) return pattern.error();
  for (const RecogParam& param : spec.params) {
    if (param.position < 0 || param.position > pattern->capture_count())
      return make_input_error(fmt::format("param {} takes group {}, but the pattern has {}", param.name, param.position,
                                          pattern->capture_count()));
  }
  RecogPrefilter prefilter = RecogPrefilter::from_pattern(spec.pattern, translation->options.caseless);
  return RecogFingerprint(std::move(spec), std::move(*pattern), std::move(translation->notes), std::move(prefilter));
}

RecogFingerprint::RecogFingerprint(Spec spec, Pattern pattern, std::vector<std::string> notes, RecogPrefilter prefilter)
    : spec_(std::move(spec)), pattern_(std::move(pattern)), notes_(std::move(notes)), prefilter_(std::move(prefilter)) {
  // Ruby keeps params in a hash: a name given twice keeps its first place and
  // its last definition.
  for (const RecogParam& param : spec_.params) {
    auto it = std::find_if(effective_params_.begin(), effective_params_.end(),
                           [&](const RecogParam& p) { return p.name == param.name; });
    if (it == effective_params_.end())
      effective_params_.push_back(param);
    else
      *it = param;
  }
}

MatchOutcome RecogFingerprint::match(std::string_view subject, MatchScratch& scratch, Values* values) const {
  if (!prefilter_.admits(subject)) return MatchOutcome::no_match;
  Pattern::Captures captures;
  const MatchOutcome outcome = pattern_.match(subject, scratch, values != nullptr ? &captures : nullptr);
  if (outcome != MatchOutcome::matched || values == nullptr) return outcome;
  values->clear();
  for (const RecogParam& param : effective_params_) {
    if (param.position == 0) {
      values->emplace_back(param.name, param.value);
    } else {
      const auto& group = captures[static_cast<std::size_t>(param.position)];
      values->emplace_back(param.name, group ? std::optional<std::string>(std::string(*group)) : std::nullopt);
    }
  }
  // Interpolation sees the values as they stand, earlier replacements included.
  for (std::size_t i = 0; i < effective_params_.size(); ++i) {
    const RecogParam& param = effective_params_[i];
    if (param.position != 0) continue;
    for (const std::string& name : references(param.value)) {
      const std::optional<std::string>* other = nullptr;
      for (const auto& [key, value] : *values)
        if (key == name) other = &value;
      const bool cpe_version = param.name.ends_with(".cpe23") && name.ends_with(".version");
      const std::string replacement = other != nullptr && *other ? **other : cpe_version ? "-" : "";
      replace_all(*(*values)[i].second, "{" + name + "}", replacement);
    }
  }
  return outcome;
}

}  // namespace fumidai::fingerprints
