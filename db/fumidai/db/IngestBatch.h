#pragma once
// Up to N records' COPY rows, written by IngestWriter in one transaction.
// A record whose key is already in the batch is dropped (counted as a
// duplicate) so that a batch never conflicts with itself.
// Its id is a digest of its keys in order: the same records give the same
// id whatever the batching around them, so the ledger (ingest_batches) can
// tell a batch already committed — by an earlier run of the same ingest, or
// by this one before a connection broke mid-commit — from new work. A batch
// with other keys never matches a committed one, where a running number would
// (a re-run with another --batch-rows, or a second file joined by --scan-id).
// Each row remembers its source line, so that a row the server refuses is
// reported by file and line.
// Contract: single-threaded; moved to the writer whole.
#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/db/CopyRows.h"
#include "fumidai/db/RowEncoder.h"
#include "fumidai/db/ServiceKey.h"

namespace fumidai::db {

class IngestBatch {
 public:
  // `source` names where the lines come from (a file), for messages.
  explicit IngestBatch(std::shared_ptr<const std::string> source);
  IngestBatch(IngestBatch&&) noexcept;
  IngestBatch& operator=(IngestBatch&&) noexcept;
  IngestBatch(const IngestBatch&);  // for tests that replay a batch
  ~IngestBatch();

  // Encodes one record into the batch, unless its key is already here (then
  // it only counts as a duplicate). A bad record is the encoder's input error.
  Result<EncodedRecord> add_line(RowEncoder& encoder, std::string_view line, std::uint64_t line_number);
  Result<EncodedRecord> add_record(RowEncoder& encoder, const boost::json::object& record,
                                   std::uint64_t line_number);

  std::size_t records() const { return keys_.size(); }
  std::size_t duplicates() const { return duplicates_; }
  std::size_t bytes() const { return rows_.bytes(); }
  bool empty() const { return keys_.empty(); }
  const CopyRows& rows() const { return rows_; }

  // Positive, 63 bits of SHA-256 over the keys in order.
  std::int64_t id() const;

  // "FILE:LINE" of the n-th row of each table, for a row the server refused.
  std::string where_service(std::size_t row) const;
  std::string where_fingerprint(std::size_t row) const;
  std::string where_label(std::size_t row) const;
  // "FILE lines A-B".
  std::string span() const;

 private:
  template <class Encode>
  Result<EncodedRecord> add(Encode&& encode, std::uint64_t line_number);
  std::string where_line(std::uint64_t line) const;

  std::shared_ptr<const std::string> source_;
  CopyRows rows_;
  std::unordered_set<ServiceKey, ServiceKeyHash> keys_;
  std::string key_bytes_;  // the keys in order, digested by id()
  std::vector<std::uint64_t> service_lines_;
  std::vector<std::uint32_t> fingerprint_owner_;  // index into service_lines_
  std::vector<std::uint32_t> label_owner_;
  std::size_t duplicates_ = 0;
};

}  // namespace fumidai::db
