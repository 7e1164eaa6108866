#pragma once
// The operations on campaigns and opt-outs that both the API
// (api/handlers/CampaignRoutes, OptoutRoutes) and the CLI (`fumidai campaign`,
// `fumidai optouts`) offer, so the two can never differ. Reads that need no
// logic go straight to db::CampaignStore / db::OptoutStore.
// Contract: immutable after construction (templates, labels and the CERT
// directory are loaded once); thread-safe; each call borrows a Session for
// its duration only.
#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"
#include "fumidai/db/Campaign.h"
#include "fumidai/db/CampaignStore.h"
#include "fumidai/db/ExposureFilter.h"
#include "fumidai/db/OptoutStore.h"
#include "fumidai/db/Scope.h"
#include "fumidai/db/Session.h"

namespace fumidai::campaigns {

class LetterComposer;
class NationalCertDirectory;

struct CampaignRequest {
  std::string name;              // 1..200 characters
  db::ExposureFilter selection;  // the same filters as /v1/exposures
  std::string selection_json;    // as given, stored for the record
  db::CampaignGrouping grouping = db::CampaignGrouping::abuse_contact;
  std::string language = "en";        // a directory under templates/letters/
  double control_fraction = 0;        // 0..0.5
  std::optional<std::uint64_t> seed;  // nullopt: drawn at random (and recorded)
};

struct Creator {
  std::optional<std::int64_t> key_id;  // the API key; nullopt: the CLI
  std::string name;                    // key name, or "cli"
};

// Where letters say they come from and where their links point.
struct SenderIdentity {
  std::string from_address = "cert@fumidai.localhost";
  std::string from_name = "fumidai";
  // Base of the links in letters: PUBLIC_URL/v1/ack/TOKEN acknowledges a
  // letter; PUBLIC_URL/v1/optouts/verify/TOKEN confirms an opt-out.
  std::string public_url = "http://127.0.0.1:8080";
};

// What `fumidai serve` and the CLI load the service from.
struct ServiceConfig {
  std::string templates_dir;  // holds LANG/subject.txt and LANG/body.txt; empty: the embedded templates/letters/
  std::string certs_file;     // national CERTs (CSV); empty: the embedded campaigns/national-certs.csv
  SenderIdentity sender;
};

struct CreatedCampaign {
  db::CampaignSummary summary;
  std::vector<db::CampaignRecipient> unresolved;  // listed so nothing is silently dropped
};

struct Remediation;  // campaigns/Remediation.h

class CampaignService {
 public:
  CampaignService(std::shared_ptr<const LetterComposer> composer, std::shared_ptr<const NationalCertDirectory> certs,
                  SenderIdentity sender, Clock& clock);

  // Loads templates (every language found), label advice and the CERT
  // directory; a template with an unknown variable fails here with FILE:LINE.
  static Result<std::shared_ptr<const CampaignService>> load(const ServiceConfig& config, Clock& clock);

  // Selects the exposures (within `scope`, less verified opt-outs), groups
  // them, draws the arms, renders every treated recipient's letter and stores
  // it all in one transaction. An empty selection, an unknown language or a
  // fraction outside 0..0.5 is an input error with a message saying which.
  Result<CreatedCampaign> create(db::Session& session, const CampaignRequest& request, const db::Scope& scope,
                                 const Creator& creator) const;
  // Treated against control, per later scan, overall and per recipient.
  Result<Remediation> remediation(db::Session& session, std::int64_t campaign_id) const;

  // Opt-outs: stores the request and queues the token to the prefix's abuse
  // contact (a message with the token and the confirmation link
  // PUBLIC_URL/v1/optouts/verify/TOKEN). A prefix without a contact, or a
  // malformed prefix or contact, is an input error.
  Result<db::Optout> request_optout(db::Session& session, const std::string& prefix, const std::string& contact,
                                    const std::string& reason) const;

  const SenderIdentity& sender() const { return sender_; }
  // The languages letters can be written in (template directories found).
  std::vector<std::string> languages() const;

 private:
  std::shared_ptr<const LetterComposer> composer_;
  std::shared_ptr<const NationalCertDirectory> certs_;
  SenderIdentity sender_;
  Clock& clock_;
};

// The JSON both the API and the CLI print.
boost::json::value to_json(const db::CampaignSummary& summary);
// The summary with "unresolved": the recipients without an address.
boost::json::value to_json(const CreatedCampaign& created);
boost::json::value to_json(const db::CampaignRecipient& recipient);
boost::json::value to_json(const db::CampaignLetter& letter);
boost::json::value to_json(const db::Optout& optout);
boost::json::value to_json(const Remediation& remediation);

}  // namespace fumidai::campaigns
