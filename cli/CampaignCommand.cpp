#include "CampaignCommand.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <boost/json.hpp>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "CampaignFlags.h"
#include "CommandError.h"
#include "DbFlags.h"
#include "fumidai/api/handlers/CampaignSelection.h"
#include "fumidai/campaigns/CampaignService.h"
#include "fumidai/campaigns/MailSender.h"
#include "fumidai/campaigns/Remediation.h"
#include "fumidai/core/SystemClock.h"
#include "fumidai/db/CampaignStore.h"
#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/db/MailOutbox.h"
#include "fumidai/db/Migrator.h"
#include "fumidai/db/OptoutStore.h"
#include "fumidai/mail/BounceReport.h"

namespace fumidai::cli {
namespace {

struct CampaignOptions {
  std::optional<std::string> url;
  bool json = false;
  // create
  std::string name;
  std::vector<std::string> selects;  // NAME=VALUE
  std::string selection_json;
  std::string grouping = "abuse-contact";
  std::string language = "en";
  double control = 0;
  std::optional<std::uint64_t> seed;
  ServiceFlags service;
  // show, letters, letter, send, ack, remediation
  std::int64_t id = 0;
  std::int64_t rid = 0;
  RelayFlags relay;
  std::vector<std::string> files;
  // optouts
  std::string prefix, contact, reason, token;
};

void print_json(const boost::json::value& value) { fmt::print("{}\n", boost::json::serialize(value)); }

// --select NAME=VALUE (repeatable) and --selection JSON into one selection
// object, read by the API's own reader.
Result<std::pair<db::ExposureFilter, std::string>> selection(const CampaignOptions& o) {
  boost::json::object object;
  if (!o.selection_json.empty()) {
    boost::system::error_code error;
    auto parsed = boost::json::parse(o.selection_json, error);
    if (error || !parsed.is_object()) {
      return make_input_error(fmt::format("--selection: not a JSON object ({})", error ? error.message()
                                                                                       : "a "
                                                                                         "non-object"));
    }
    object = std::move(parsed.as_object());
  }
  for (const auto& select : o.selects) {
    const auto eq = select.find('=');
    if (eq == std::string::npos || eq == 0) {
      return make_input_error(fmt::format("--select {:?}: NAME=VALUE, such as label=vpn-on-consumer-router", select));
    }
    const std::string name = select.substr(0, eq);
    auto& slot = object[name];
    if (slot.is_null()) slot = boost::json::array();
    if (!slot.is_array()) slot = boost::json::array{slot};
    slot.as_array().emplace_back(select.substr(eq + 1));
  }
  auto read = api::CampaignSelection::read(object);
  if (!read.invalid.empty()) {
    std::string reasons;
    for (const auto& p : read.invalid)
      reasons += fmt::format("{}{}: {}", reasons.empty() ? "" : "; ", p.name, p.reason);
    return make_input_error(fmt::format("selection: {}", reasons));
  }
  return std::pair{std::move(read.filter), boost::json::serialize(object)};
}

int run_create(const CampaignOptions& o) {
  campaigns::CampaignRequest request;
  request.name = o.name;
  auto selected = selection(o);
  if (!selected) return report_error("campaign create", selected.error());
  request.selection = std::move(selected->first);
  request.selection_json = std::move(selected->second);
  auto grouping = db::parse_grouping(o.grouping);
  if (!grouping) {
    return report_error("campaign create", make_input_error(fmt::format(
                                               "--grouping {:?}: abuse-contact, org or national-cert", o.grouping)));
  }
  request.grouping = *grouping;
  request.language = o.language;
  request.control_fraction = o.control;
  request.seed = o.seed;
  SystemClock clock;
  auto service = campaigns::CampaignService::load(service_config(o.service), clock);
  if (!service) return report_error("campaign create", service.error());
  auto session = open_database(o.url);
  if (!session) return report_error("campaign create", session.error());
  auto created = (*service)->create(*session, request, {}, {std::nullopt, "cli"});
  if (!created) return report_error("campaign create", created.error());
  if (o.json) {
    print_json(campaigns::to_json(*created));
  } else {
    const auto& s = created->summary;
    auto count = [](const std::map<std::string, std::int64_t>& m, const char* key) {
      const auto it = m.find(key);
      return it == m.end() ? std::int64_t{0} : it->second;
    };
    fmt::print(
        "campaign {} ({}): {} letters queued to {} treated recipients; {} recipients in control; {} unresolved "
        "({} exposures); {} exposures left out by opt-outs; seed {}\n",
        s.id, s.name, count(s.letters_by_state, "queued"), count(s.recipients_by_arm, "treatment"),
        count(s.recipients_by_arm, "control"), count(s.recipients_by_arm, "unresolved"),
        count(s.exposures_by_arm, "unresolved"), s.excluded_optout, s.seed);
  }
  return 0;
}

int run_list(const CampaignOptions& o) {
  auto session = open_database(o.url);
  if (!session) return report_error("campaign list", session.error());
  auto list = db::CampaignStore(*session).list(std::nullopt);
  if (!list) return report_error("campaign list", list.error());
  if (o.json) {
    boost::json::array out;
    for (const auto& c : *list) out.push_back(campaigns::to_json(c));
    print_json(out);
    return 0;
  }
  for (const auto& c : *list) fmt::print("{:>5}  {}  {}\n", c.id, c.language, c.name);
  return 0;
}

int run_show(const CampaignOptions& o) {
  auto session = open_database(o.url);
  if (!session) return report_error("campaign show", session.error());
  db::CampaignStore store(*session);
  auto campaign = store.get(o.id);
  if (!campaign) return report_error("campaign show", campaign.error());
  if (!*campaign) return report_error("campaign show", make_input_error(fmt::format("no campaign {}", o.id)));
  auto recipients = store.recipients(o.id);
  if (!recipients) return report_error("campaign show", recipients.error());
  auto out = campaigns::to_json(**campaign).as_object();
  boost::json::array list;
  for (const auto& r : *recipients) list.push_back(campaigns::to_json(r));
  out["recipient_list"] = std::move(list);
  print_json(out);
  return 0;
}

int run_letters(const CampaignOptions& o) {
  auto session = open_database(o.url);
  if (!session) return report_error("campaign letters", session.error());
  auto letters = db::CampaignStore(*session).letters(o.id);
  if (!letters) return report_error("campaign letters", letters.error());
  if (o.json) {
    boost::json::array out;
    for (const auto& l : *letters) out.push_back(campaigns::to_json(l));
    print_json(out);
    return 0;
  }
  fmt::print("{:>4}  {:<13}  {:>8}  {:<40}  {}\n", "rid", "state", "attempts", "to", "last reply");
  for (const auto& l : *letters) {
    fmt::print("{:>4}  {:<13}  {:>8}  {:<40}  {}\n", l.recipient_id,
               std::string(db::to_string(l.mail.state)) + (l.mail.in_doubt ? "?" : ""), l.mail.attempts,
               l.mail.envelope_to, l.mail.last_reply);
  }
  return 0;
}

int run_letter(const CampaignOptions& o) {
  auto session = open_database(o.url);
  if (!session) return report_error("campaign letter", session.error());
  auto eml = db::CampaignStore(*session).letter_eml(o.id, o.rid);
  if (!eml) return report_error("campaign letter", eml.error());
  if (!*eml) {
    return report_error("campaign letter",
                        make_input_error(fmt::format("campaign {} has no letter for recipient {}", o.id, o.rid)));
  }
  fmt::print("{}", **eml);
  return 0;
}

int run_send(const CampaignOptions& o, std::optional<std::int64_t> campaign, db::MailKind kind,
             std::string_view command) {
  auto relay = relay_settings(o.relay);
  if (!relay) return report_error(command, relay.error());
  auto session = open_database(o.url);
  if (!session) return report_error(command, session.error());
  if (campaign) {
    auto exists = db::CampaignStore(*session).get(*campaign);
    if (!exists) return report_error(command, exists.error());
    if (!*exists) return report_error(command, make_input_error(fmt::format("no campaign {}", *campaign)));
  }
  SystemClock clock;
  campaigns::MailSender sender(relay->first, relay->second, clock);
  db::OutboxSelection selection{campaign, kind, o.relay.retry_in_doubt};
  auto sent = sender.run(*session, selection);
  if (!sent) return report_error(command, sent.error());
  fmt::print("{}\n", sent->line());
  return 0;
}

int run_ack(const CampaignOptions& o) {
  auto session = open_database(o.url);
  if (!session) return report_error("campaign ack", session.error());
  auto acked = db::CampaignStore(*session).acknowledge(o.id, o.rid);
  if (!acked) return report_error("campaign ack", acked.error());
  if (!*acked) {
    return report_error("campaign ack",
                        make_input_error(fmt::format("campaign {} has no letter for recipient {}", o.id, o.rid)));
  }
  print_json(campaigns::to_json(**acked));
  return 0;
}

int run_remediation(const CampaignOptions& o) {
  SystemClock clock;
  auto service = campaigns::CampaignService::load(service_config(o.service), clock);
  if (!service) return report_error("campaign remediation", service.error());
  auto session = open_database(o.url);
  if (!session) return report_error("campaign remediation", session.error());
  auto exists = db::CampaignStore(*session).get(o.id);
  if (!exists) return report_error("campaign remediation", exists.error());
  if (!*exists) return report_error("campaign remediation", make_input_error(fmt::format("no campaign {}", o.id)));
  auto remediation = (*service)->remediation(*session, o.id);
  if (!remediation) return report_error("campaign remediation", remediation.error());
  if (o.json) {
    print_json(campaigns::to_json(*remediation));
    return 0;
  }
  auto pct = [](const std::optional<double>& v) { return v ? fmt::format("{:.1f}%", *v * 100) : std::string("-"); };
  fmt::print("{:>6}  {:<20}  {:>16}  {:>16}  {:>10}  {}\n", "scan", "started", "treated present", "control present",
             "difference", "95% interval");
  for (const auto& p : remediation->curve) {
    fmt::print("{:>6}  {:%Y-%m-%d %H:%M}     {:>7} of {:<5}  {:>7} of {:<5}  {:>10}  {}\n", p.scan_id,
               std::chrono::floor<std::chrono::seconds>(p.scan_started), pct(p.treatment.share), p.treatment.covered,
               pct(p.control.share), p.control.covered, pct(p.difference),
               p.ci_low ? fmt::format("[{:.1f}%, {:.1f}%]", *p.ci_low * 100, *p.ci_high * 100) : std::string("-"));
  }
  if (remediation->curve.empty()) fmt::print("no finalized scan since the campaign was made\n");
  return 0;
}

int run_bounces(const CampaignOptions& o) {
  auto session = open_database(o.url);
  if (!session) return report_error("campaign bounces", session.error());
  db::MailOutbox outbox(*session);
  int recorded = 0;
  int code = 0;
  for (const auto& file : o.files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
      code = report_error("campaign bounces", make_input_error(fmt::format("{}: cannot read", file)));
      continue;
    }
    auto bounce = mail::parse_bounce(text.str());
    if (!bounce) {
      code = report_error("campaign bounces", make_input_error(fmt::format("{}: {}", file, bounce.error().message)));
      continue;
    }
    const auto now = std::chrono::system_clock::now();
    auto marked =
        outbox.record_bounce(bounce->original_message_id,
                             fmt::format("{} {} {}", bounce->status, bounce->recipient, bounce->diagnostic), now);
    if (!marked) return report_error("campaign bounces", marked.error());
    if (!*marked) {
      fmt::print(stderr, "fumidai campaign bounces: {}: no sent message <{}>\n", file, bounce->original_message_id);
      continue;
    }
    ++recorded;
  }
  fmt::print("{} bounces recorded\n", recorded);
  return code;
}

int run_optout_request(const CampaignOptions& o) {
  SystemClock clock;
  auto service = campaigns::CampaignService::load(service_config(o.service), clock);
  if (!service) return report_error("optouts request", service.error());
  auto session = open_database(o.url);
  if (!session) return report_error("optouts request", session.error());
  auto requested = (*service)->request_optout(*session, o.prefix, o.contact, o.reason);
  if (!requested) return report_error("optouts request", requested.error());
  print_json(campaigns::to_json(*requested));
  return 0;
}

int run_optout_verify(const CampaignOptions& o) {
  auto session = open_database(o.url);
  if (!session) return report_error("optouts verify", session.error());
  auto verified = db::OptoutStore(*session).verify(o.token, std::chrono::system_clock::now());
  if (!verified) return report_error("optouts verify", verified.error());
  if (!*verified) {
    return report_error("optouts verify",
                        make_input_error("no pending opt-out has this token (it may have expired or been used)"));
  }
  print_json(campaigns::to_json(**verified));
  return 0;
}

int run_optout_list(const CampaignOptions& o) {
  auto session = open_database(o.url);
  if (!session) return report_error("optouts list", session.error());
  auto list = db::OptoutStore(*session).list();
  if (!list) return report_error("optouts list", list.error());
  boost::json::array out;
  for (const auto& optout : *list) out.push_back(campaigns::to_json(optout));
  print_json(out);
  return 0;
}

}  // namespace

void register_campaign_command(CLI::App& root, int& exit_code) {
  auto o = std::make_shared<CampaignOptions>();
  CLI::App* campaign = root.add_subcommand(
      "campaign", "Notification campaigns: letters to network owners, delivery, remediation against a control group");
  campaign->require_subcommand(1);

  CLI::App* create = campaign->add_subcommand("create",
                                              "Select exposures, group them by recipient, split "
                                              "treatment and control, and queue one letter per treated "
                                              "recipient");
  create->add_option("NAME", o->name, "The campaign's name")->required();
  create->add_option("--select", o->selects,
                     "A filter of GET /v1/exposures as NAME=VALUE (repeatable): label=vpn-on-consumer-router, "
                     "country=JP, asn=64496, ...");
  create->add_option("--selection", o->selection_json, "The selection as a JSON object, as POST /v1/campaigns takes");
  create->add_option("--grouping", o->grouping, "abuse-contact, org or national-cert")->capture_default_str();
  create->add_option("--language", o->language, "The letters' language (a templates/letters/ directory)")
      ->capture_default_str();
  create->add_option("--control", o->control, "The share of recipients held back as a control group, 0 to 0.5")
      ->capture_default_str();
  create->add_option("--seed", o->seed, "The seed of the treatment/control draw (default: random, recorded)");
  create->add_flag("--json", o->json, "Print the campaign as JSON");
  add_service_flags(*create, o->service);
  add_db_option(*create, o->url);
  create->callback([o, &exit_code] { exit_code = run_create(*o); });

  CLI::App* list = campaign->add_subcommand("list", "Every campaign, newest first");
  list->add_flag("--json", o->json, "One JSON array");
  add_db_option(*list, o->url);
  list->callback([o, &exit_code] { exit_code = run_list(*o); });

  CLI::App* show = campaign->add_subcommand("show", "One campaign with its recipients, as JSON");
  show->add_option("ID", o->id, "The campaign's id")->required();
  add_db_option(*show, o->url);
  show->callback([o, &exit_code] { exit_code = run_show(*o); });

  CLI::App* letters = campaign->add_subcommand("letters", "A campaign's letters and their delivery states");
  letters->add_option("ID", o->id, "The campaign's id")->required();
  letters->add_flag("--json", o->json, "One JSON array");
  add_db_option(*letters, o->url);
  letters->callback([o, &exit_code] { exit_code = run_letters(*o); });

  CLI::App* letter = campaign->add_subcommand("letter", "Print one letter as the RFC 5322 message that is sent");
  letter->add_option("ID", o->id, "The campaign's id")->required();
  letter->add_option("RID", o->rid, "The recipient's id")->required();
  add_db_option(*letter, o->url);
  letter->callback([o, &exit_code] { exit_code = run_letter(*o); });

  CLI::App* send = campaign->add_subcommand(
      "send", "Deliver the campaign's queued letters through an SMTP relay (a re-run never sends one twice)");
  send->add_option("ID", o->id, "The campaign's id")->required();
  add_relay_flags(*send, o->relay);
  add_db_option(*send, o->url);
  send->callback([o, &exit_code] { exit_code = run_send(*o, o->id, db::MailKind::letter, "campaign send"); });

  CLI::App* ack = campaign->add_subcommand("ack", "Mark a sent letter acknowledged");
  ack->add_option("ID", o->id, "The campaign's id")->required();
  ack->add_option("RID", o->rid, "The recipient's id")->required();
  add_db_option(*ack, o->url);
  ack->callback([o, &exit_code] { exit_code = run_ack(*o); });

  CLI::App* remediation = campaign->add_subcommand(
      "remediation", "Treated against control: the share still exposed in each later scan, with a 95% interval");
  remediation->add_option("ID", o->id, "The campaign's id")->required();
  remediation->add_flag("--json", o->json, "The whole report (per recipient too) as JSON");
  add_db_option(*remediation, o->url);
  remediation->callback([o, &exit_code] { exit_code = run_remediation(*o); });

  CLI::App* bounces = campaign->add_subcommand("bounces",
                                               "Record bounces from delivery status notifications "
                                               "(RFC 3464 messages, one per file)");
  bounces->add_option("FILE", o->files, "DSN messages")->required();
  add_db_option(*bounces, o->url);
  bounces->callback([o, &exit_code] { exit_code = run_bounces(*o); });

  CLI::App* optouts = root.add_subcommand("optouts", "Networks that asked not to be scanned or written to");
  optouts->require_subcommand(1);
  CLI::App* request = optouts->add_subcommand(
      "request", "Ask for an opt-out: a token goes to the prefix's abuse contact, and counts once confirmed");
  request->add_option("PREFIX", o->prefix, "The network, CIDR")->required();
  request->add_option("--contact", o->contact, "Who asks (an e-mail address)")->required();
  request->add_option("--reason", o->reason, "Why")->required();
  add_service_flags(*request, o->service);
  add_db_option(*request, o->url);
  request->callback([o, &exit_code] { exit_code = run_optout_request(*o); });

  CLI::App* verify = optouts->add_subcommand("verify", "Confirm an opt-out with the token its abuse contact got");
  verify->add_option("TOKEN", o->token, "The token from the message")->required();
  add_db_option(*verify, o->url);
  verify->callback([o, &exit_code] { exit_code = run_optout_verify(*o); });

  CLI::App* olist = optouts->add_subcommand("list", "Every opt-out request and its state, as JSON");
  add_db_option(*olist, o->url);
  olist->callback([o, &exit_code] { exit_code = run_optout_list(*o); });

  CLI::App* osend = optouts->add_subcommand("send", "Deliver the queued verification messages through an SMTP relay");
  add_relay_flags(*osend, o->relay);
  add_db_option(*osend, o->url);
  osend->callback(
      [o, &exit_code] { exit_code = run_send(*o, std::nullopt, db::MailKind::optout_verification, "optouts send"); });
}

}  // namespace fumidai::cli
