// fumidai: one binary, one subcommand per stage. Each subcommand registers its
// own flags; exit code 2 means bad input (nothing was sent), 1 a runtime failure.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "CampaignCommand.h"
#include "CanaryCommand.h"
#include "DbCommand.h"
#include "FingerprintCommand.h"
#include "GrabCommand.h"
#include "ImportCommand.h"
#include "IngestCommand.h"
#include "KeysCommand.h"
#include "LabCommand.h"
#include "ScanCommand.h"
#include "ServeCommand.h"

int main(int argc, char** argv) {
  CLI::App app{"fumidai: find hijacked home routers (VPN servers, proxies, admin panels) across ISP address space"};
  app.require_subcommand(1);
  app.set_version_flag("--version", FUMIDAI_VERSION);
  int exit_code = 0;
  fumidai::cli::register_scan_command(app, exit_code);
  fumidai::cli::register_grab_command(app, exit_code);
  fumidai::cli::register_fingerprint_command(app, exit_code);
  fumidai::cli::register_canary_command(app, exit_code);
  fumidai::cli::register_db_command(app, exit_code);
  fumidai::cli::register_import_command(app, exit_code);
  fumidai::cli::register_ingest_command(app, exit_code);
  fumidai::cli::register_keys_command(app, exit_code);
  fumidai::cli::register_serve_command(app, exit_code);
  fumidai::cli::register_campaign_command(app, exit_code);
  fumidai::lab::register_lab_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}
