#include "fumidai/db/ExposureExport.h"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "fumidai/db/ExposureRows.h"
#include "fumidai/db/PreparedCall.h"

namespace fumidai::db {

struct ExposureExport::Transaction {
  explicit Transaction(pqxx::connection_base& connection) : tx(connection) {}
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx;
};

ExposureExport::ExposureExport(std::unique_ptr<Transaction> transaction) : transaction_(std::move(transaction)) {}
ExposureExport::~ExposureExport() = default;

Result<std::unique_ptr<ExposureExport>> ExposureExport::open(Session& session, const ExposureFilter& filter,
                                                             const Scope& scope) {
  auto parameters = FilterClause::parameters(filter, scope);
  if (!parameters) return parameters.error();
  return guarded("starting an export", [&]() -> Result<std::unique_ptr<ExposureExport>> {
    auto transaction = std::make_unique<Transaction>(session.connection());
    detail::begin_filtered_read(transaction->tx);
    const auto values = detail::parameter_values(*parameters);
    // DECLARE takes bound parameters like any statement (extended protocol).
    transaction->tx.exec_params("DECLARE fumidai_export NO SCROLL CURSOR FOR " + detail::exposure_select_sql() +
                                    " ORDER BY hs.ip, hs.port, hs.transport",
                                pqxx::prepare::make_dynamic_params(values));
    return std::unique_ptr<ExposureExport>(new ExposureExport(std::move(transaction)));
  });
}

Result<std::vector<ExposureItem>> ExposureExport::fetch() {
  if (done_) return std::vector<ExposureItem>{};
  return guarded("reading an export", [&]() -> Result<std::vector<ExposureItem>> {
    const pqxx::result rows = transaction_->tx.exec(fmt::format("FETCH {} FROM fumidai_export", kChunkRows));
    std::vector<ExposureItem> items;
    items.reserve(rows.size());
    for (const auto& row : rows) items.push_back(detail::exposure_item(row));
    if (items.empty()) done_ = true;
    return items;
  });
}

}  // namespace fumidai::db
