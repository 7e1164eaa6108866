#include "fumidai/campaigns/CampaignService.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cmath>

#include "fumidai/campaigns/CampaignPlanner.h"
#include "fumidai/campaigns/LetterComposer.h"
#include "fumidai/campaigns/NationalCertDirectory.h"
#include "fumidai/campaigns/Remediation.h"
#include "fumidai/core/Utf8.h"
#include "fumidai/db/ContactLookup.h"
#include "fumidai/db/ExposureExport.h"
#include "fumidai/db/IpPrefix.h"
#include "fumidai/db/TokenHash.h"
#include "fumidai/mail/LetterTemplate.h"
#include "fumidai/mail/MailAddress.h"
#include "fumidai/mail/MimeMessage.h"

namespace fumidai::embedded {
extern const std::string_view optout_verification_txt;
}

namespace fumidai::campaigns {
namespace {

constexpr std::size_t kMaxExposures = 1'000'000;  // per campaign: a letter run, not an archive
constexpr std::size_t kMaxNameLength = 200;
constexpr std::size_t kMaxReasonLength = 2000;
constexpr auto kOptoutLifetime = std::chrono::hours(24 * 14);

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  // RAND_bytes fails only without an entropy source, which OpenSSL treats as fatal at start-up.
  RAND_bytes(buffer.data(), static_cast<int>(buffer.size()));
  std::string out;
  for (const unsigned char b : buffer) out += fmt::format("{:02x}", b);
  return out;
}

std::uint64_t random_seed() {
  std::uint64_t seed = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed);
  return seed;
}

std::string domain_of(const std::string& address) { return address.substr(address.rfind('@') + 1); }

// Printable text for a single-line field: no control characters at all.
Result<> check_line(std::string_view what, std::string_view text, std::size_t max_length) {
  if (text.empty() || text.size() > max_length) {
    return make_input_error(fmt::format("{}: 1 to {} characters", what, max_length));
  }
  if (!is_valid_utf8(text)) return make_input_error(fmt::format("{}: not valid UTF-8", what));
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return make_input_error(fmt::format("{}: control characters (line breaks included) are not allowed", what));
  }
  return {};
}

bool prefix_contains(const db::IpPrefix& prefix, const boost::asio::ip::address& address) {
  if (prefix.network.is_v4() != address.is_v4()) return false;
  auto bytes = [](const boost::asio::ip::address& a) {
    std::vector<unsigned char> out;
    if (a.is_v4()) {
      const auto b = a.to_v4().to_bytes();
      out.assign(b.begin(), b.end());
    } else {
      const auto b = a.to_v6().to_bytes();
      out.assign(b.begin(), b.end());
    }
    return out;
  };
  const auto network = bytes(prefix.network);
  const auto candidate = bytes(address);
  for (unsigned bit = 0; bit < prefix.length; ++bit) {
    const unsigned mask = 0x80u >> (bit % 8);
    if ((network[bit / 8] & mask) != (candidate[bit / 8] & mask)) return false;
  }
  return true;
}

std::string format_time(db::TimePoint at) {
  return fmt::format("{:%Y-%m-%d %H:%M} UTC", std::chrono::floor<std::chrono::seconds>(at));
}

// templates/optout/verification.txt: the subject on its first line, then the body.
Result<mail::LetterTemplate> optout_template() {
  mail::TemplateSchema schema;
  schema.variables = {"sender_name", "sender_address", "prefix", "contact", "reason", "expires", "verify_url"};
  return mail::LetterTemplate::parse(embedded::optout_verification_txt, "templates/optout/verification.txt", schema);
}

}  // namespace

CampaignService::CampaignService(std::shared_ptr<const LetterComposer> composer,
                                 std::shared_ptr<const NationalCertDirectory> certs, SenderIdentity sender,
                                 Clock& clock)
    : composer_(std::move(composer)), certs_(std::move(certs)), sender_(std::move(sender)), clock_(clock) {}

Result<std::shared_ptr<const CampaignService>> CampaignService::load(const ServiceConfig& config, Clock& clock) {
  if (auto from = mail::MailAddress::parse(config.sender.from_address); !from) {
    return make_input_error(fmt::format("--mail-from {:?}: {}", config.sender.from_address, from.error().message));
  }
  if (auto name = check_line("--mail-from-name", config.sender.from_name, kMaxNameLength); !name) return name.error();
  const auto& url = config.sender.public_url;
  if (auto line = check_line("--public-url", url, 500); !line) return line.error();
  if ((url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) || url.back() == '/' ||
      url.find(' ') != std::string::npos) {
    return make_input_error(fmt::format("--public-url {:?}: an http:// or https:// base without a trailing '/'", url));
  }
  auto labels = fingerprints::LabelSet::load_embedded();
  if (!labels) return labels.error();
  auto composer = LetterComposer::load(config.templates_dir, std::move(*labels));
  if (!composer) return composer.error();
  auto certs = config.certs_file.empty() ? NationalCertDirectory::load_embedded()
                                         : NationalCertDirectory::load_file(config.certs_file);
  if (!certs) return certs.error();
  if (auto optout = optout_template(); !optout) return optout.error();
  return std::make_shared<const CampaignService>(std::make_shared<const LetterComposer>(std::move(*composer)),
                                                 std::make_shared<const NationalCertDirectory>(std::move(*certs)),
                                                 config.sender, clock);
}

std::vector<std::string> CampaignService::languages() const { return composer_->languages(); }

Result<CreatedCampaign> CampaignService::create(db::Session& session, const CampaignRequest& request,
                                                const db::Scope& scope, const Creator& creator) const {
  if (auto name = check_line("name", request.name, kMaxNameLength); !name) return name.error();
  if (!composer_->speaks(request.language)) {
    return make_input_error(fmt::format("language: no letter templates in {:?} (there are: {})", request.language,
                                        fmt::join(composer_->languages(), ", ")));
  }
  if (!std::isfinite(request.control_fraction) || request.control_fraction < 0 || request.control_fraction > 0.5) {
    return make_input_error("control_fraction: from 0 to 0.5");
  }

  // The selection, as /v1/exposures would list it, within the caller's scope.
  std::vector<db::ExposureItem> exposures;
  {
    auto rows = db::ExposureExport::open(session, request.selection, scope);
    if (!rows) return rows.error();
    while (true) {
      auto chunk = (*rows)->fetch();
      if (!chunk) return chunk.error();
      if (chunk->empty()) break;
      if (exposures.size() + chunk->size() > kMaxExposures) {
        return make_input_error(
            fmt::format("the selection matches more than {} exposures; narrow it (by ASN, "
                        "country or label)",
                        kMaxExposures));
      }
      std::move(chunk->begin(), chunk->end(), std::back_inserter(exposures));
    }
  }
  if (exposures.empty()) {
    return make_input_error(
        "the selection matches no exposures: nothing to write about (check its filters against "
        "GET /v1/exposures)");
  }

  db::NewCampaign campaign;
  auto optouts = db::OptoutStore(session).verified_prefixes();
  if (!optouts) return optouts.error();
  std::vector<db::IpPrefix> opted_out;
  for (const auto& text : *optouts) {
    if (auto prefix = db::parse_prefix(text)) opted_out.push_back(*prefix);
  }
  std::erase_if(exposures, [&](const db::ExposureItem& item) {
    boost::system::error_code error;
    const auto address = boost::asio::ip::make_address(item.ip, error);
    const bool excluded = !error && std::any_of(opted_out.begin(), opted_out.end(),
                                                [&](const auto& p) { return prefix_contains(p, address); });
    campaign.excluded_optout += excluded ? 1 : 0;
    return excluded;
  });
  if (exposures.empty()) {
    return make_input_error(
        fmt::format("every one of the selection's {} exposures is in an opted-out network", campaign.excluded_optout));
  }

  PlanInput plan;
  plan.grouping = request.grouping;
  plan.control_fraction = request.control_fraction;
  plan.seed = request.seed ? *request.seed : random_seed();
  if (request.grouping != db::CampaignGrouping::national_cert) {
    std::vector<db::ContactQuery> queries;
    queries.reserve(exposures.size());
    for (const auto& item : exposures) queries.push_back({item.ip, item.asn});
    auto contacts = db::ContactLookup(session).abuse_contacts(queries);
    if (!contacts) return contacts.error();
    plan.contacts = std::move(*contacts);
  }
  plan.exposures = std::move(exposures);

  campaign.name = request.name;
  campaign.selection_json = request.selection_json;
  campaign.grouping = request.grouping;
  campaign.language = request.language;
  campaign.control_fraction = request.control_fraction;
  campaign.seed = plan.seed;
  campaign.created_by_key_id = creator.key_id;
  campaign.created_by = creator.name;
  campaign.recipients = plan_recipients(std::move(plan), *certs_);

  const auto now = clock_.wall_time();
  for (auto& recipient : campaign.recipients) {
    if (recipient.arm != db::CampaignArm::treatment) continue;
    LetterInput input;
    input.language = request.language;
    input.campaign_name = request.name;
    input.sender_name = sender_.from_name;
    input.sender_address = sender_.from_address;
    input.public_url = sender_.public_url;
    input.recipient = &recipient;
    input.ack_token = random_hex(24);
    input.message_id = fmt::format("{}.letter@{}", random_hex(16), domain_of(sender_.from_address));
    input.date = now;
    auto eml = composer_->compose(input);
    if (!eml) return eml.error();
    recipient.letter = db::NewMail{input.message_id, sender_.from_address, recipient.email, std::move(*eml),
                                   db::token_hash(input.ack_token)};
  }

  db::CampaignStore store(session);
  auto id = store.create(campaign);
  if (!id) return id.error();
  auto summary = store.get(*id);
  if (!summary) return summary.error();
  if (!*summary) return make_error(fmt::format("campaign {} vanished after it was made", *id));
  auto recipients = store.recipients(*id);
  if (!recipients) return recipients.error();
  CreatedCampaign created{std::move(**summary), {}};
  for (auto& r : *recipients) {
    if (r.arm == db::CampaignArm::unresolved) created.unresolved.push_back(std::move(r));
  }
  return created;
}

Result<Remediation> CampaignService::remediation(db::Session& session, std::int64_t campaign_id) const {
  auto cells = db::CampaignStore(session).remediation(campaign_id);
  if (!cells) return cells.error();
  return compute_remediation(campaign_id, *cells);
}

Result<db::Optout> CampaignService::request_optout(db::Session& session, const std::string& prefix_text,
                                                   const std::string& contact, const std::string& reason) const {
  auto prefix = db::parse_prefix(prefix_text);
  if (!prefix) return make_input_error(fmt::format("prefix: {}", prefix.error().message));
  if (auto address = mail::MailAddress::parse(contact); !address) {
    return make_input_error(fmt::format("contact: {}", address.error().message));
  }
  if (auto ok = check_line("reason", reason, kMaxReasonLength); !ok) return ok.error();
  const std::string canonical = db::format_prefix(*prefix);
  db::OptoutStore store(session);
  auto abuse = store.abuse_contact(canonical);
  if (!abuse) return abuse.error();
  if (!*abuse) {
    return make_input_error(
        fmt::format("prefix: no abuse contact is known for {}, so the request cannot be verified", canonical));
  }
  auto to = mail::MailAddress::parse(**abuse);
  if (!to) return make_error(fmt::format("the abuse contact of {} ({:?}) is not a usable address", canonical, **abuse));

  const auto now = clock_.wall_time();
  const std::string token = random_hex(24);
  db::NewOptout optout;
  optout.prefix = canonical;
  optout.contact = contact;
  optout.reason = reason;
  optout.verify_to = **abuse;
  optout.token_hash = db::token_hash(token);
  optout.expires = now + kOptoutLifetime;

  auto text = optout_template();
  if (!text) return text.error();
  mail::TemplateContext context;
  context["sender_name"] = sender_.from_name;
  context["sender_address"] = sender_.from_address;
  context["prefix"] = canonical;
  context["contact"] = contact;
  context["reason"] = reason;
  context["expires"] = format_time(optout.expires);
  context["verify_url"] = fmt::format("{}/v1/optouts/verify/{}", sender_.public_url, token);
  const std::string rendered = text->render(context);
  const auto split = rendered.find('\n');
  mail::MimeMessage message;
  message.from_name = sender_.from_name;
  message.from = *mail::MailAddress::parse(sender_.from_address);  // checked by load()
  message.to = *to;
  message.subject = rendered.substr(0, split);
  message.text = split == std::string::npos ? std::string() : rendered.substr(split + 1);
  message.date = now;
  message.message_id = fmt::format("{}.optout@{}", random_hex(16), domain_of(sender_.from_address));
  auto eml = mail::render_message(message);
  if (!eml) return eml.error();
  optout.verification = db::NewMail{message.message_id, sender_.from_address, **abuse, std::move(*eml), ""};
  return store.request(optout);
}

}  // namespace fumidai::campaigns
