#pragma once
// The exposures an export streams (GET /v1/exports/exposures.*): the rows of
// ExposureList's query, in the same order, read through a server-side cursor
// (DECLARE ... NO SCROLL CURSOR in a read-only repeatable-read transaction)
// kChunkRows at a time, so memory stays constant however many rows there are
// and the export is one consistent snapshot.
// Contract: borrows the Session, which must outlive it and run nothing else
// meanwhile (the transaction is open until the export is destroyed); one
// thread at a time.
#include <memory>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/ExposureFilter.h"
#include "fumidai/db/ExposureItem.h"
#include "fumidai/db/Scope.h"
#include "fumidai/db/Session.h"

namespace fumidai::db {

class ExposureExport {
 public:
  static constexpr int kChunkRows = 2000;

  // A bad filter value is an input error.
  static Result<std::unique_ptr<ExposureExport>> open(Session& session, const ExposureFilter& filter,
                                                      const Scope& scope);
  ~ExposureExport();
  ExposureExport(const ExposureExport&) = delete;
  ExposureExport& operator=(const ExposureExport&) = delete;

  // The next rows, at most kChunkRows; empty once the cursor is exhausted.
  Result<std::vector<ExposureItem>> fetch();

 private:
  struct Transaction;
  explicit ExposureExport(std::unique_ptr<Transaction> transaction);
  std::unique_ptr<Transaction> transaction_;
  bool done_ = false;
};

}  // namespace fumidai::db
