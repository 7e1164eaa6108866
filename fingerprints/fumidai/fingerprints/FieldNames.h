#pragma once
// The field names a condition may test (fingerprints/README.md's table). A
// rule naming any other field is refused at load: a typo would otherwise make
// the rule silently never match.
//
// Contract: pure functions over constant tables; thread-safe.
#include <span>
#include <string_view>

namespace fumidai::fingerprints {

enum class FieldScope {
  record,  // rules: the record's own fields
  label,   // labels: the record's fields plus fp.* and host.fp.*
};

class FieldNames {
 public:
  // The fixed names of the README's table (without http.headers.NAME).
  static std::span<const std::string_view> record_fields();
  // The fingerprint-derived names labels may use, without the "host." prefix.
  static std::span<const std::string_view> fingerprint_fields();
  static bool known(std::string_view name, FieldScope scope);
};

}  // namespace fumidai::fingerprints
