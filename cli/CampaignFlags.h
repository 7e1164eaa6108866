#pragma once
// Flags that `serve`, `campaign` and `optouts` share: where letters come
// from and their links point (campaigns::ServiceConfig), and the SMTP relay
// (mail::SmtpSettings), each declared once.
#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "fumidai/campaigns/CampaignService.h"
#include "fumidai/campaigns/MailSender.h"
#include "fumidai/core/Error.h"
#include "fumidai/mail/SmtpClient.h"

namespace fumidai::cli {

struct ServiceFlags {
  std::string templates_dir;
  std::string certs_file;
  campaigns::SenderIdentity sender;
};

void add_service_flags(CLI::App& command, ServiceFlags& flags);
campaigns::ServiceConfig service_config(const ServiceFlags& flags);

struct RelayFlags {
  std::string relay = "127.0.0.1:25";
  std::string tls = "opportunistic";
  std::optional<std::string> username;
  std::string password_file;
  std::string ca_file;
  bool insecure = false;
  std::string helo = "localhost";
  double timeout_seconds = 30;
  double rate_per_minute = 60;
  int max_attempts = 5;
  double backoff_seconds = 60;
  bool until_done = false;
  bool retry_in_doubt = false;
};

void add_relay_flags(CLI::App& command, RelayFlags& flags);
// The relay's settings and the sending policy, or an input error naming the flag.
Result<std::pair<mail::SmtpSettings, campaigns::SendPolicy>> relay_settings(const RelayFlags& flags);

}  // namespace fumidai::cli
