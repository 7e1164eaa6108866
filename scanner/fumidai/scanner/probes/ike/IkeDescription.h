#pragma once
// An IkeMessage as record fields (data.ikev2 / data.ikev1 of a service
// record; see service-record.v1.schema.json): the responder's choice of
// algorithms, its KE group and nonce size, notify types, certificate request
// encodings, payloads not otherwise described, and the parse error if any.
// Vendor IDs are described apart, so that a probe can merge those of both
// IKE versions into one list. Pure functions, any thread.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "fumidai/scanner/probes/ike/IkeMessage.h"
#include "fumidai/scanner/probes/ike/IkeVendorIds.h"

namespace fumidai::scanner {

boost::json::object describe_ike_message(const IkeMessage& message);

// Appends {"hex", "name"} for each of the message's vendor IDs that `out`
// does not hold yet ("name" only when `names` knows it).
void add_ike_vendor_ids(const IkeMessage& message, const IkeVendorIds& names, boost::json::array& out);

}  // namespace fumidai::scanner
