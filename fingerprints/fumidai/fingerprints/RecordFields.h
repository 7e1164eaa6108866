#pragma once
// The rule fields of one v1 service record (fingerprints/README.md, "Fields";
// scanner/data/service-record.v1.schema.json): record JSON in, FieldSet out.
// Numbers become decimal strings, booleans "true"/"false"; a key that is
// missing or of another type than the schema's gives no field, so stored
// records of any vintage are read without errors.
//
// Contract: pure functions, safe from any thread. The FieldSet copies what it
// needs; it does not point into the record.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/FieldSet.h"

namespace fumidai::fingerprints {

// The record's top-level keys, as views into wherever they live (a JSON
// record, or stage 2's GrabRecord before it is serialised).
struct RecordHead {
  std::string_view ip;  // not a rule field: what `fumidai fingerprint` groups a host's records by
  std::uint16_t port = 0;
  std::string_view transport;
  std::string_view protocol;
  std::string_view status;
  std::optional<std::string_view> ptr;
};

// Checks that `record` is a service record as far as fingerprinting reads it:
// ip (IPv4), port (1-65535), transport (tcp, udp), protocol, status, data (an
// object) and ptr (string or null, may be absent). The error names the key.
Result<RecordHead> read_record_head(const boost::json::object& record);

// False when a number anywhere in `value` is beyond a double's range: the
// parser reads it as infinity, which JSON cannot write back.
bool all_numbers_finite(const boost::json::value& value);

// Every field of the README's table that `record` has a value for.
FieldSet record_fields(const boost::json::object& record);
// The same from the parts, for stage 2, which has them before any JSON record exists.
FieldSet record_fields(const RecordHead& head, const boost::json::object& data);

}  // namespace fumidai::fingerprints
