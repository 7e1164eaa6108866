#pragma once
// The body of an export: pulls the db::ExposureExport's chunks (2000 rows
// each) and writes each as CSV or JSONL, in the default columns or
// Shadowserver's, with addresses pseudonymized when asked (the PTR name is
// then dropped: it often spells the address). Holds the leased session for
// its whole life, so memory is one chunk whatever the size of the export.
// Contract: as BodyStream (one thread at a time); owns its session.
#include <memory>

#include "fumidai/api/ApiResponse.h"
#include "fumidai/db/ConnectionPool.h"
#include "fumidai/db/ExposureExport.h"
#include "fumidai/db/Pseudonymizer.h"

namespace fumidai::api {

enum class ExportFormat { csv, jsonl };
enum class ExportColumns { exposure, shadowserver };

class ExportStream : public BodyStream {
 public:
  // `rows` must have been opened on `session`.
  ExportStream(db::PooledSession session, std::unique_ptr<db::ExposureExport> rows, db::Pseudonymizer pseudonymizer,
               ExportFormat format, ExportColumns columns);
  Result<std::optional<std::string>> next_chunk() override;

 private:
  void write(const db::ExposureItem& item, std::string& out) const;
  // Declared before export_: the transaction ends before the lease does.
  db::PooledSession session_;
  std::unique_ptr<db::ExposureExport> export_;
  db::Pseudonymizer pseudonymizer_;
  ExportFormat format_;
  ExportColumns columns_;
  bool header_written_ = false;
};

}  // namespace fumidai::api
