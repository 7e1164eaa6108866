#pragma once
// The stage-2 flags, shared by `fumidai grab` and `fumidai scan --grab` so
// both read the same way, and their validation into a GrabSetup.
#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/fingerprints/FingerprintEngine.h"
#include "fumidai/scanner/grab/GrabOptions.h"
#include "fumidai/scanner/grab/PortProfile.h"
#include "fumidai/scanner/grab/ProbeRegistry.h"

namespace fumidai::cli {

struct GrabFlags {
  std::size_t threads = 1;
  std::size_t concurrency = 1000;
  double connect_rate = 1000;
  std::size_t per_host = 2;
  std::size_t per_prefix = 32;
  std::size_t max_pending = 10000;
  double connect_timeout = 5;
  double read_timeout = 5;
  double timeout = 20;
  unsigned retries = 1;
  std::string module;
  std::string profile_file;
  std::string user_agent;
  std::string contact_url = "https://github.com/fumidai/fumidai";
  std::size_t max_body = 64 * 1024;
  bool no_favicon = false;
  bool no_rdns = false;
  std::vector<std::string> resolvers;
  std::size_t dns_concurrency = 256;
  double dns_timeout = 2;
  std::string canary;  // IPv4:PORT
  std::string canary_key;
  std::string rules_dir;
  std::string recog_dir;
  bool no_fingerprints = false;
};

// Everything the grab runner needs, validated.
struct GrabSetup {
  std::size_t threads = 1;       // engines, each on its own thread and event loop
  scanner::GrabOptions options;  // for all engines together; see options_per_thread()
  std::shared_ptr<const scanner::ProbeRegistry> registry;
  std::shared_ptr<const scanner::PortProfile> profile;
  bool rdns = true;
  std::vector<std::string> resolvers;
  std::size_t dns_concurrency = 256;
  std::chrono::milliseconds dns_timeout{2000};
  // Fills each record's fingerprints and labels as it is written; null with --no-fingerprints.
  std::shared_ptr<const fingerprints::FingerprintEngine> fingerprints;
};

// One engine's share of the global limits (per-host limits stay whole: each
// host is always grabbed by the same engine).
scanner::GrabOptions options_per_thread(const GrabSetup& setup);

void add_grab_flags(CLI::App& command, GrabFlags& flags);
// Errors name the flag and the bad value (exit code 2). Loads and compiles
// the fingerprint rules, so a bad rule file stops the run before anything is sent.
Result<GrabSetup> validate_grab_flags(const GrabFlags& flags);

}  // namespace fumidai::cli
