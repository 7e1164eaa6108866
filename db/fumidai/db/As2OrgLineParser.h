#pragma once
// One line of CAIDA's AS-to-Organization file. It has two sections, each
// after a "# format:" comment naming its columns:
//   # format:org_id|changed|org_name|country|source
//   # format:aut|changed|aut_name|org_id|opaque_id|source
// Other comments and blank lines carry no record; a data line before either
// format line is an error. An organisation's or AS's name may itself hold a
// '|' (the fields around it are fixed), so it takes what is left over.
// `changed` is YYYYMMDD or empty; `country` two letters or empty.
// Contract: remembers the section it is in; one parser per file.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "fumidai/core/Error.h"

namespace fumidai::db {

struct As2OrgOrganization {
  std::string org_id;
  std::optional<std::chrono::year_month_day> changed;
  std::string name;
  std::string country;  // empty when the file gives none
  std::string source;
};

struct As2OrgAs {
  std::int64_t asn = 0;
  std::optional<std::chrono::year_month_day> changed;
  std::string name;
  std::string org_id;
  std::string source;
};

using As2OrgRecord = std::variant<As2OrgOrganization, As2OrgAs>;

class As2OrgLineParser {
 public:
  Result<std::optional<As2OrgRecord>> parse(std::string_view line);

 private:
  enum class Section { none, organizations, ases };
  Section section_ = Section::none;
};

}  // namespace fumidai::db
