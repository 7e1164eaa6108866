#pragma once
// Stage 2's output: takes the grab engines' records, fingerprints and labels
// each (fingerprints/README.md: host.fp.* are the record's own) and writes it
// as one JSONL line. It runs on its own worker threads, each with its own
// MatchScratch, so that neither the rules nor the serialisation run on the
// engines' event loops.
//
// Contract: push() may be called from any thread (each engine's sink). It
// blocks while `max_queued` records wait: backpressure, during which that
// engine's loop stalls, so the bound only matters when the rules are slower
// than the grabs (or the database). finish() writes what is queued and joins
// the workers; call it once, after the last push() (the destructor does if
// nobody did). The sink (the -o file, the database, or both) and the engine
// are borrowed and must outlive the writer; a null engine writes records as
// they came. Lines are written whole, one write() at a time, in the order the
// workers finish them.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "fumidai/fingerprints/FingerprintEngine.h"
#include "fumidai/scanner/grab/GrabRecord.h"
#include "RecordSink.h"

namespace fumidai::cli {

class RecordWriter {
 public:
  RecordWriter(RecordSink& output, const fingerprints::FingerprintEngine* engine, std::size_t workers,
               std::size_t max_queued);
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  void push(scanner::GrabRecord&& record);
  void finish();

 private:
  void work();

  RecordSink& output_;
  const fingerprints::FingerprintEngine* engine_;
  const std::size_t max_queued_;
  std::mutex queue_mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<scanner::GrabRecord> queue_;
  bool closing_ = false;
  std::mutex output_mutex_;
  std::vector<std::thread> workers_;
};

// The fingerprint and label arrays of one stage-2 record, as `engine` sees it.
void annotate_grab_record(const fingerprints::FingerprintEngine& engine, scanner::GrabRecord& record,
                          fingerprints::MatchScratch& scratch);

}  // namespace fumidai::cli
