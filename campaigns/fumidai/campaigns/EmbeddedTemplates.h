#pragma once
// The letter templates compiled in from templates/letters/LANG/ (see
// campaigns/CMakeLists.txt), so `fumidai` needs no data directory.
#include <span>
#include <string_view>

namespace fumidai::campaigns {

struct EmbeddedTemplate {
  std::string_view language;  // "en"
  std::string_view part;      // "subject" or "body"
  std::string_view text;
};

std::span<const EmbeddedTemplate> embedded_letter_templates();

}  // namespace fumidai::campaigns
