#include "fumidai/db/As2OrgLineParser.h"

#include <fmt/format.h>

#include "fumidai/core/Trim.h"
#include "fumidai/db/AttributionFields.h"

namespace fumidai::db {
namespace {

constexpr std::size_t kMaxAs2OrgFields = 32;
constexpr std::size_t max_id_bytes = 128;
constexpr std::size_t max_source_bytes = 64;
constexpr std::size_t organization_fields = 5;  // org_id|changed|org_name|country|source
constexpr std::size_t as_fields = 6;            // aut|changed|aut_name|org_id|opaque_id|source

Result<std::optional<std::chrono::year_month_day>> changed_date(std::string_view text) {
  if (text.empty()) return std::optional<std::chrono::year_month_day>();
  auto date = parse_compact_date(text);
  if (!date) return date.error();
  return std::optional(*date);
}

Result<std::string> identifier(std::string_view text, std::string_view what) {
  if (text.empty()) return make_input_error(fmt::format("empty {}", what));
  auto checked = check_text(text, what, max_id_bytes);
  if (!checked) return checked.error();
  return std::string(text);
}

// The fields from `first` up to the last `after` ones, joined again by '|'.
std::string_view rejoined(std::string_view line, const std::vector<std::string_view>& fields, std::size_t first,
                          std::size_t after) {
  const char* begin = fields[first].data();
  const std::string_view& last = fields[fields.size() - 1 - after];
  return line.substr(static_cast<std::size_t>(begin - line.data()),
                     static_cast<std::size_t>(last.data() + last.size() - begin));
}

Result<As2OrgRecord> organization(std::string_view line, const std::vector<std::string_view>& f) {
  As2OrgOrganization org;
  auto id = identifier(f[0], "org_id");
  if (!id) return id.error();
  org.org_id = std::move(*id);
  auto changed = changed_date(f[1]);
  if (!changed) return changed.error();
  org.changed = *changed;
  auto name = check_text(rejoined(line, f, 2, 2), "org_name", max_name_bytes);
  if (!name) return name.error();
  org.name = std::string(*name);
  if (const auto cc = f[f.size() - 2]; !cc.empty()) {
    auto country = parse_country(cc);
    if (!country) return country.error();
    org.country = std::move(*country);
  }
  auto source = check_text(f.back(), "source", max_source_bytes);
  if (!source) return source.error();
  org.source = std::string(*source);
  return As2OrgRecord(std::move(org));
}

Result<As2OrgRecord> autonomous_system(std::string_view line, const std::vector<std::string_view>& f) {
  As2OrgAs as;
  auto asn = parse_asn(f[0]);
  if (!asn) return asn.error();
  as.asn = *asn;
  auto changed = changed_date(f[1]);
  if (!changed) return changed.error();
  as.changed = *changed;
  auto name = check_text(rejoined(line, f, 2, 3), "aut_name", max_name_bytes);
  if (!name) return name.error();
  as.name = std::string(*name);
  auto org_id = identifier(f[f.size() - 3], "org_id");
  if (!org_id) return org_id.error();
  as.org_id = std::move(*org_id);
  // opaque_id (f[size - 2]) is CAIDA's internal key: not kept.
  auto source = check_text(f.back(), "source", max_source_bytes);
  if (!source) return source.error();
  as.source = std::string(*source);
  return As2OrgRecord(std::move(as));
}

}  // namespace

Result<std::optional<As2OrgRecord>> As2OrgLineParser::parse(std::string_view line) {
  if (trim_blanks(line).empty()) return std::nullopt;
  if (line.front() == '#') {
    std::string_view comment = trim_blanks(line.substr(1));
    if (!comment.starts_with("format:")) return std::nullopt;
    comment = trim_blanks(comment.substr(std::string_view("format:").size()));
    if (comment == "org_id|changed|org_name|country|source") {
      section_ = Section::organizations;
    } else if (comment == "aut|changed|aut_name|org_id|opaque_id|source") {
      section_ = Section::ases;
    } else {
      return make_input_error(fmt::format("unknown section format {:?}", comment.substr(0, 80)));
    }
    return std::nullopt;
  }
  if (section_ == Section::none) return make_input_error("a record before any '# format:' line");
  auto fields = split_fields(line, '|', kMaxAs2OrgFields);
  if (!fields) return fields.error();
  const std::size_t expected = section_ == Section::organizations ? organization_fields : as_fields;
  if (fields->size() < expected) {
    return make_input_error(fmt::format("expected {} '|'-separated fields for {}, found {}", expected,
                                        section_ == Section::organizations ? "an organisation" : "an AS",
                                        fields->size()));
  }
  auto record = section_ == Section::organizations ? organization(line, *fields) : autonomous_system(line, *fields);
  if (!record) return record.error();
  return std::optional(std::move(*record));
}

}  // namespace fumidai::db
