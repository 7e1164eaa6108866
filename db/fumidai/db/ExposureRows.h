#pragma once
// For code inside db/ only: the SELECT behind ExposureList and ExposureExport
// (host_services joined with hosts, the latest sighting's severity) and its
// row conversion, so the list and the export can never disagree.
#include <pqxx/pqxx>
#include <string>

#include "fumidai/db/ExposureItem.h"
#include "fumidai/db/FilterClause.h"

namespace fumidai::db::detail {

// Parameters: $1..$17 the filter (FilterClause); the query ends in its WHERE,
// open for more conditions.
const std::string& exposure_select_sql();
ExposureItem exposure_item(const pqxx::row& row);

}  // namespace fumidai::db::detail
