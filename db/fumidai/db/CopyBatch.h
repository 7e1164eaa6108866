#pragma once
// Rows bound for one table, sent with COPY ... FROM STDIN (pqxx::stream_to)
// in batches, so an importer can fill several tables from one file in any
// order while holding at most one batch per table.
// Contract: one thread; add() and flush() run inside the caller's
// transaction and throw as libpqxx does, so call them under guarded().
#include <cstddef>
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace fumidai::db {

// A text column that may be NULL: what stream_to writes as \N.
struct NullableText {
  std::optional<std::string> value;
};

template <class... Columns>  // each std::string or NullableText, in the table's column order
class CopyBatch {
 public:
  using Row = std::tuple<Columns...>;
  // Rows held before add() sends them.
  static constexpr std::size_t batch_rows = 20000;

  CopyBatch(std::string table, std::vector<std::string> columns)
      : table_(std::move(table)), columns_(std::move(columns)) {}

  void add(pqxx::transaction_base& tx, Row row) {
    pending_.push_back(std::move(row));
    ++rows_;
    if (pending_.size() >= batch_rows) flush(tx);
  }

  void flush(pqxx::transaction_base& tx) {
    if (pending_.empty()) return;
    pqxx::stream_to stream(tx, table_, columns_);
    for (const auto& row : pending_) stream << row;
    stream.complete();
    pending_.clear();
  }

  std::int64_t rows() const { return rows_; }

 private:
  std::string table_;
  std::vector<std::string> columns_;
  std::vector<Row> pending_;
  std::int64_t rows_ = 0;
};

}  // namespace fumidai::db

namespace pqxx {
template <>
struct string_traits<fumidai::db::NullableText> {
  static constexpr const char* name() noexcept { return "fumidai::db::NullableText"; }
  static constexpr bool has_null() noexcept { return true; }
  static bool is_null(const fumidai::db::NullableText& text) { return !text.value; }
  static fumidai::db::NullableText null() { return {}; }
  static void from_string(const char text[], fumidai::db::NullableText& out) { out.value = text; }
  static std::string to_string(const fumidai::db::NullableText& text) { return text.value.value_or(""); }
};
}  // namespace pqxx
