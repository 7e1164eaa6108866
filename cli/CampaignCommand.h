#pragma once
#include <CLI/CLI.hpp>

namespace fumidai::cli {

// `fumidai campaign create|list|show|letters|letter|send|ack|remediation|bounces`
// and `fumidai optouts request|verify|list|send`: the operations of
// /v1/campaigns and /v1/optouts from the command line, through the same
// campaigns::CampaignService and stores.
void register_campaign_command(CLI::App& root, int& exit_code);

}  // namespace fumidai::cli
