#include "RecordWriter.h"

#include <algorithm>

#include "fumidai/fingerprints/RecordFields.h"
#include "fumidai/scanner/target/Transport.h"

namespace fumidai::cli {

void annotate_grab_record(const fingerprints::FingerprintEngine& engine, scanner::GrabRecord& record,
                          fingerprints::MatchScratch& scratch) {
  fingerprints::RecordHead head;
  head.port = record.target.port;
  head.transport = scanner::transport_name(record.target.transport);
  head.protocol = record.protocol;
  head.status = scanner::to_string(record.status);
  if (record.ptr) head.ptr = *record.ptr;
  fingerprints::FieldSet fields = fingerprints::record_fields(head, record.data);
  auto annotation = engine.annotate(fields, scratch);
  record.fingerprints = std::move(annotation.fingerprints);
  record.labels = std::move(annotation.labels);
}

RecordWriter::RecordWriter(RecordSink& output, const fingerprints::FingerprintEngine* engine,
                           std::size_t workers, std::size_t max_queued)
    : output_(output), engine_(engine), max_queued_(std::max<std::size_t>(1, max_queued)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, workers); ++i) workers_.emplace_back([this] { work(); });
}

RecordWriter::~RecordWriter() { finish(); }

void RecordWriter::push(scanner::GrabRecord&& record) {
  std::unique_lock lock(queue_mutex_);
  not_full_.wait(lock, [this] { return queue_.size() < max_queued_; });
  queue_.push_back(std::move(record));
  lock.unlock();
  not_empty_.notify_one();
}

void RecordWriter::finish() {
  {
    const std::lock_guard lock(queue_mutex_);
    closing_ = true;
  }
  not_empty_.notify_all();
  for (std::thread& t : workers_)
    if (t.joinable()) t.join();
}

void RecordWriter::work() {
  fingerprints::MatchScratch scratch;
  while (true) {
    std::unique_lock lock(queue_mutex_);
    not_empty_.wait(lock, [this] { return closing_ || !queue_.empty(); });
    if (queue_.empty()) return;  // closing, and everything is written
    scanner::GrabRecord record = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    not_full_.notify_one();

    if (engine_ != nullptr) annotate_grab_record(*engine_, record, scratch);
    const std::string line = scanner::to_jsonl(record);
    const std::lock_guard output_lock(output_mutex_);
    output_.write(line);
  }
}

}  // namespace fumidai::cli
