#include "CampaignFlags.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

namespace fumidai::cli {

void add_service_flags(CLI::App& command, ServiceFlags& flags) {
  command.add_option("--templates-dir", flags.templates_dir,
                     "Letter templates: LANG/subject.txt and LANG/body.txt per language (default: the built-in "
                     "templates/letters/)");
  command.add_option("--certs-file", flags.certs_file,
                     "National CERTs, CSV country,id,name,email (default: the built-in campaigns/national-certs.csv)");
  command.add_option("--mail-from", flags.sender.from_address, "The address letters come from")
      ->capture_default_str();
  command.add_option("--mail-from-name", flags.sender.from_name, "The name letters come from")->capture_default_str();
  command.add_option("--public-url", flags.sender.public_url,
                     "Base of the links in letters (acknowledgement, opt-out): where `fumidai serve` is reachable")
      ->capture_default_str();
}

campaigns::ServiceConfig service_config(const ServiceFlags& flags) {
  return {flags.templates_dir, flags.certs_file, flags.sender};
}

void add_relay_flags(CLI::App& command, RelayFlags& flags) {
  command.add_option("--smtp", flags.relay, "The SMTP relay, HOST:PORT")->capture_default_str();
  command.add_option("--starttls", flags.tls, "opportunistic (when offered), required, or none")
      ->capture_default_str();
  command.add_option("--smtp-user", flags.username, "AUTH user (only ever sent over TLS)");
  command.add_option("--smtp-password-file", flags.password_file, "A file holding the AUTH password (first line)");
  command.add_option("--ca-file", flags.ca_file, "PEM CA certificates for the relay (default: the system's)");
  command.add_flag("--insecure", flags.insecure, "Do not check the relay's certificate");
  command.add_option("--helo", flags.helo, "The name to greet the relay with")->capture_default_str();
  command.add_option("--timeout", flags.timeout_seconds, "Seconds for each SMTP step")->capture_default_str();
  command.add_option("--rate", flags.rate_per_minute, "Messages per minute at most")->capture_default_str();
  command.add_option("--max-attempts", flags.max_attempts, "Attempts before a temporary failure becomes final")
      ->capture_default_str();
  command.add_option("--backoff", flags.backoff_seconds,
                     "Seconds before the first retry; each later retry waits twice as long")
      ->capture_default_str();
  command.add_flag("--until-done", flags.until_done,
                   "Keep going, waiting out the backoff, until nothing is left to send");
  command.add_flag("--retry-in-doubt", flags.retry_in_doubt,
                   "Also send messages whose earlier attempt never recorded an outcome (a crash mid-send): "
                   "they may arrive twice");
}

Result<std::pair<mail::SmtpSettings, campaigns::SendPolicy>> relay_settings(const RelayFlags& flags) {
  mail::SmtpSettings smtp;
  const auto colon = flags.relay.rfind(':');
  unsigned port = 0;
  const char* end = flags.relay.data() + flags.relay.size();
  if (colon == std::string::npos || colon == 0 ||
      std::from_chars(flags.relay.data() + colon + 1, end, port).ptr != end || port == 0 || port > 65535) {
    return make_input_error(fmt::format("--smtp {:?}: HOST:PORT, such as 127.0.0.1:25", flags.relay));
  }
  smtp.host = flags.relay.substr(0, colon);
  if (smtp.host.size() > 2 && smtp.host.front() == '[' && smtp.host.back() == ']')
    smtp.host = smtp.host.substr(1, smtp.host.size() - 2);
  smtp.port = static_cast<std::uint16_t>(port);
  if (flags.tls == "opportunistic") {
    smtp.tls = mail::SmtpSettings::Tls::opportunistic;
  } else if (flags.tls == "required") {
    smtp.tls = mail::SmtpSettings::Tls::required;
  } else if (flags.tls == "none") {
    smtp.tls = mail::SmtpSettings::Tls::none;
  } else {
    return make_input_error(fmt::format("--starttls {:?}: opportunistic, required or none", flags.tls));
  }
  if (flags.username.has_value() != !flags.password_file.empty()) {
    return make_input_error("--smtp-user and --smtp-password-file go together");
  }
  if (flags.username) {
    std::ifstream in(flags.password_file);
    std::string password;
    if (!in || !std::getline(in, password)) {
      return make_input_error(fmt::format("--smtp-password-file {:?}: cannot read a line", flags.password_file));
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    smtp.username = *flags.username;
    smtp.password = password;
  }
  smtp.ca_file = flags.ca_file;
  smtp.verify_certificate = !flags.insecure;
  smtp.helo_name = flags.helo;
  if (!(flags.timeout_seconds > 0 && flags.timeout_seconds <= 600)) {
    return make_input_error("--timeout: more than 0 and at most 600 seconds");
  }
  smtp.timeout = std::chrono::milliseconds(std::llround(flags.timeout_seconds * 1000));
  campaigns::SendPolicy policy;
  if (!(flags.rate_per_minute > 0 && flags.rate_per_minute <= 100000)) {
    return make_input_error("--rate: more than 0 and at most 100000 messages a minute");
  }
  policy.rate_per_minute = flags.rate_per_minute;
  if (flags.max_attempts < 1 || flags.max_attempts > 50) return make_input_error("--max-attempts: 1 to 50");
  policy.max_attempts = flags.max_attempts;
  if (!(flags.backoff_seconds >= 0 && flags.backoff_seconds <= 86400)) {
    return make_input_error("--backoff: 0 to 86400 seconds");
  }
  policy.backoff = std::chrono::seconds(std::llround(flags.backoff_seconds));
  policy.until_done = flags.until_done;
  return std::pair{smtp, policy};
}

}  // namespace fumidai::cli
