#pragma once
// Runs stage 2 to completion: setup.threads engines, each with its own event
// loop, thread, queue (router.queue(i)) and reverse-DNS resolver; records to
// `output` as JSONL lines (the -o file, the database, or both); a status line
// on stderr each second from the calling thread. Shared by `fumidai grab` and `fumidai scan --grab`, which differ
// only in who fills the router.
// On the first interrupt the router is closed (grabs in flight finish); on
// the second every loop stops.
#include <atomic>
#include <string>

#include "GrabFlags.h"
#include "RecordSink.h"
#include "fumidai/core/Clock.h"
#include "fumidai/scanner/grab/TargetRouter.h"
#include "fumidai/scanner/target/IntervalSet.h"

namespace fumidai::cli {

// Returns the JSON summary.
Result<std::string> run_grab(const GrabSetup& setup, const scanner::IntervalSet& blocklist,
                             scanner::TargetRouter& router, RecordSink& output, Clock& clock, bool quiet,
                             const std::atomic<int>& interrupts);

// Raises the open-file limit for `concurrency` sockets; an error says how far it got.
Result<> raise_file_limit(std::size_t concurrency);

}  // namespace fumidai::cli
