#include "fumidai/db/IngestBatch.h"

#include <openssl/evp.h>

#include <fmt/format.h>

namespace fumidai::db {

IngestBatch::IngestBatch(std::shared_ptr<const std::string> source) : source_(std::move(source)) {}
IngestBatch::IngestBatch(IngestBatch&&) noexcept = default;
IngestBatch& IngestBatch::operator=(IngestBatch&&) noexcept = default;
IngestBatch::IngestBatch(const IngestBatch&) = default;
IngestBatch::~IngestBatch() = default;

template <class Encode>
Result<EncodedRecord> IngestBatch::add(Encode&& encode, std::uint64_t line_number) {
  const CopyRows::Mark mark = rows_.mark();
  auto encoded = encode();
  if (!encoded) return encoded.error();
  if (!keys_.insert(encoded->key).second) {
    rows_.rollback(mark);
    ++duplicates_;
    return encoded;
  }
  const auto bytes = encoded->key.bytes();
  key_bytes_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const auto owner = static_cast<std::uint32_t>(service_lines_.size());
  service_lines_.push_back(line_number);
  fingerprint_owner_.resize(rows_.fingerprint_rows, owner);
  label_owner_.resize(rows_.label_rows, owner);
  return encoded;
}

Result<EncodedRecord> IngestBatch::add_line(RowEncoder& encoder, std::string_view line, std::uint64_t line_number) {
  return add([&] { return encoder.encode_line(line, rows_); }, line_number);
}

Result<EncodedRecord> IngestBatch::add_record(RowEncoder& encoder, const boost::json::object& record,
                                              std::uint64_t line_number) {
  return add([&] { return encoder.encode(record, rows_); }, line_number);
}

std::int64_t IngestBatch::id() const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(key_bytes_.data(), key_bytes_.size(), digest, &length, EVP_sha256(), nullptr);
  std::uint64_t id = 0;
  for (int i = 0; i < 8; ++i) id = (id << 8) | digest[i];
  return static_cast<std::int64_t>(id >> 1);
}

std::string IngestBatch::where_line(std::uint64_t line) const {
  return fmt::format("{}:{}", source_ ? *source_ : std::string("input"), line);
}

std::string IngestBatch::where_service(std::size_t row) const {
  return row < service_lines_.size() ? where_line(service_lines_[row]) : span();
}

std::string IngestBatch::where_fingerprint(std::size_t row) const {
  return row < fingerprint_owner_.size() ? where_service(fingerprint_owner_[row]) : span();
}

std::string IngestBatch::where_label(std::size_t row) const {
  return row < label_owner_.size() ? where_service(label_owner_[row]) : span();
}

std::string IngestBatch::span() const {
  const std::string name = source_ ? *source_ : std::string("input");
  if (service_lines_.empty()) return name;
  return fmt::format("{} lines {}-{}", name, service_lines_.front(), service_lines_.back());
}

}  // namespace fumidai::db
