// Campaigns and opt-outs through the API alone, against PostgreSQL with the
// lab's ISPs and abuse contacts: create a campaign over JP routers with a
// VPN switched on, read its recipients and letters, parse a letter as the
// MIME message it is, acknowledge letters by API and by the letter's link,
// read the remediation figures; analysts see only their own campaigns; an
// opt-out is requested, verified through the mailed token, and listed.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "ApiFixture.h"
#include "CampaignFixture.h"
#include "ScanFixture.h"
#include "fumidai/db/ApiKeyStore.h"
#include "fumidai/db/AttributionImport.h"
#include "fumidai/db/MailOutbox.h"

namespace fumidai::api {
namespace {

using test::ApiFixture;
using test::Fingerprint;
using test::kKumo;
using test::kRhein;
using test::kSakura;
using test::Observation;
using test::Reply;
using test::ScanFixture;
using test::vpn_router;

// A MIME message as far as the tests need it: header fields (names
// lower-cased, folded lines joined) and, for a multipart one, its parts.
struct Mime {
  std::map<std::string, std::string> headers;
  std::string body;
  std::vector<Mime> parts;
};

std::string trim(std::string text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.erase(0, 1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.pop_back();
  return text;
}

std::string decode_quoted_printable(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
    } else if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
      i += 2;  // a soft line break
    } else if (i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

std::string decode_base64(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    const auto at = alphabet.find(c);
    if (at == std::string::npos) continue;
    bits = (bits << 6) | static_cast<unsigned>(at);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

Mime parse_mime(const std::string& text) {
  Mime mime;
  const auto split = text.find("\r\n\r\n");
  EXPECT_NE(split, std::string::npos) << "no end of header";
  const std::string head = text.substr(0, split);
  std::string body = split == std::string::npos ? std::string() : text.substr(split + 4);
  std::string name;
  std::size_t start = 0;
  while (start < head.size()) {
    const auto end = std::min(head.find("\r\n", start), head.size());
    const std::string line = head.substr(start, end - start);
    start = end + 2;
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      mime.headers[name] += " " + trim(line);
      continue;
    }
    const auto colon = line.find(':');
    EXPECT_NE(colon, std::string::npos) << "bad header line: " << line;
    if (colon == std::string::npos) continue;
    name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    mime.headers[name] = trim(line.substr(colon + 1));
  }
  const std::string type = mime.headers["content-type"];
  const auto boundary_at = type.find("boundary=");
  if (type.starts_with("multipart/") && boundary_at != std::string::npos) {
    std::string boundary = type.substr(boundary_at + 9);
    if (const auto semi = boundary.find(';'); semi != std::string::npos) boundary = boundary.substr(0, semi);
    if (!boundary.empty() && boundary.front() == '"') boundary = boundary.substr(1, boundary.size() - 2);
    const std::string delimiter = "--" + boundary;
    std::size_t at = body.find(delimiter);
    while (at != std::string::npos) {
      const std::size_t part_start = at + delimiter.size();
      if (body.compare(part_start, 2, "--") == 0) break;  // the closing delimiter
      const std::size_t next = body.find("\r\n" + delimiter, part_start);
      if (next == std::string::npos) break;
      mime.parts.push_back(parse_mime(body.substr(part_start + 2, next - part_start - 2)));
      at = next + 2;
    }
  } else {
    const std::string encoding = mime.headers["content-transfer-encoding"];
    if (encoding == "quoted-printable") body = decode_quoted_printable(body);
    if (encoding == "base64") body = decode_base64(body);
    mime.body = body;
  }
  return mime;
}

// The token of the first link to PUBLIC_URL`path`TOKEN in a text.
std::string token_after(const std::string& text, const std::string& path) {
  const auto at = text.find(path);
  if (at == std::string::npos) return {};
  std::string token;
  for (std::size_t i = at + path.size(); i < text.size(); ++i) {
    const char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') break;
    token += c;
  }
  return token;
}

std::string text_of(const Mime& mime) {
  if (mime.parts.empty()) return mime.body;
  return mime.parts.front().body;
}

const std::string kJpVpnRouters =
    R"({"name": "JP routers with a VPN switched on",
        "selection": {"label": ["vpn-on-consumer-router"], "country": "JP"},
        "grouping": "abuse-contact", "language": "en", "control_fraction": 0, "seed": 42})";

class Campaigns : public ::testing::Test {
 protected:
  void SetUp() override {
    test::import_lab_attribution(fixture.database());
    if (HasFatalFailure()) return;
    ScanFixture f(fixture.database());
    scan = f.scan({"2026-04-06T00:00:00Z", {"198.19.0.0/24"}, {1723}, {}});
    f.observe(scan, {vpn_router(kSakura, "198.19.0.20"), vpn_router(kSakura, "198.19.0.21"),
                     vpn_router(kKumo, "198.19.0.33"), vpn_router(kRhein, "198.19.0.70")});
    f.finalize(scan);
    // Campaigns record the key that made them: the keys must exist.
    auto session = fixture.database().session();
    db::ApiKeyStore keys(session);
    admin = principal(keys, "admin", Role::admin, db::ApiRole::admin, {});
    sakura_analyst = principal(keys, "sakura-analyst", Role::analyst, db::ApiRole::analyst, {64496});
    other_analyst = principal(keys, "other-analyst", Role::analyst, db::ApiRole::analyst, {64496, 64498});
  }

  static Principal principal(db::ApiKeyStore& keys, const std::string& name, Role role, db::ApiRole stored,
                             std::vector<std::int64_t> asns) {
    db::NewApiKey key;
    key.name = name;
    key.role = stored;
    key.constituency.asns = asns;
    auto created = keys.create(key);
    EXPECT_TRUE(created) << created.error().message;
    return Principal{created ? created->key.id : 0, name, role, {asns, {}, {}}, {}};
  }

  Reply create(const Principal& who, const std::string& body) {
    return fixture.send(who, "POST", "/v1/campaigns", body);
  }

  // Marks the campaign's letters sent, as `fumidai campaign send` would
  // after the relay accepted them.
  void mark_sent(std::int64_t campaign_id) {
    auto session = fixture.database().session();
    db::MailOutbox outbox(session);
    const auto now = std::chrono::system_clock::now();
    auto claimed = outbox.claim({campaign_id, db::MailKind::letter, false}, now, 100);
    ASSERT_TRUE(claimed) << claimed.error().message;
    for (const auto& message : *claimed) {
      ASSERT_TRUE(outbox.record(message.id, {db::DeliveryOutcome::Kind::sent, "250 2.0.0 queued", std::nullopt}, now));
    }
  }

  ApiFixture fixture;
  std::int64_t scan = 0;
  Principal admin, sakura_analyst, other_analyst;
};

TEST_F(Campaigns, FromSelectionToLettersAcknowledgementsAndRemediation) {
  const auto created = create(admin, kJpVpnRouters);
  ASSERT_EQ(created.status, 201u) << created.body;
  const auto id = created.json().at("id").as_int64();
  std::string location;
  for (const auto& [name, value] : created.headers) {
    if (name == "Location") location = value;
  }
  EXPECT_EQ(location, "/v1/campaigns/" + std::to_string(id));
  EXPECT_TRUE(created.json().at("unresolved").is_array());
  EXPECT_EQ(created.json().at("name"), "JP routers with a VPN switched on");

  const auto listed = fixture.send(admin, "GET", "/v1/campaigns");
  ASSERT_EQ(listed.status, 200u) << listed.body;
  ASSERT_EQ(listed.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(fixture.send(admin, "GET", location).json().at("id"), id);

  // Sakura (198.19.0.16/28) and Kumo (198.19.0.32/29); Rhein is in DE.
  const auto recipients = fixture.send(admin, "GET", location + "/recipients");
  ASSERT_EQ(recipients.status, 200u) << recipients.body;
  std::set<std::string> emails;
  for (const auto& r : recipients.json().at("items").as_array()) emails.insert(std::string(r.at("email").as_string()));
  EXPECT_EQ(emails, (std::set<std::string>{"abuse@sakura-hikari.example.jp", "abuse@kumo-bb.example.jp"}));

  const auto letters = fixture.send(admin, "GET", location + "/letters");
  ASSERT_EQ(letters.status, 200u) << letters.body;
  const auto& items = letters.json().at("items").as_array();
  ASSERT_EQ(items.size(), 2u);  // a control fraction of 0: everyone is treated
  std::vector<std::int64_t> rids;
  for (const auto& letter : items) rids.push_back(letter.at("recipient_id").as_int64());

  const std::string letter_path = location + "/letters/" + std::to_string(rids[0]);
  const auto one = fixture.send(admin, "GET", letter_path);
  ASSERT_EQ(one.status, 200u) << one.body;
  EXPECT_EQ(one.json().at("state"), "queued");

  const auto eml = fixture.send(admin, "GET", letter_path + ".eml");
  ASSERT_EQ(eml.status, 200u) << eml.body;
  EXPECT_EQ(eml.content_type, "message/rfc822");
  const Mime message = parse_mime(eml.body);
  for (const char* field : {"from", "to", "subject", "date", "message-id", "mime-version", "content-type"}) {
    EXPECT_TRUE(message.headers.contains(field)) << field;
  }
  EXPECT_NE(message.headers.at("to").find("example.jp"), std::string::npos) << message.headers.at("to");
  ASSERT_EQ(message.parts.size(), 2u) << eml.body;
  EXPECT_TRUE(message.parts[0].headers.at("content-type").starts_with("text/plain")) << eml.body;
  EXPECT_TRUE(message.parts[1].headers.at("content-type").starts_with("text/csv")) << eml.body;
  EXPECT_NE(message.parts[1].body.find("198.19.0."), std::string::npos) << message.parts[1].body;
  EXPECT_EQ(fixture.send(admin, "GET", location + "/letters/999.eml").status, 404u);

  // A queued letter cannot be acknowledged; a sent one can, once or twice.
  EXPECT_EQ(fixture.send(admin, "POST", letter_path + "/ack").status, 409u);
  mark_sent(id);
  const auto acked = fixture.send(admin, "POST", letter_path + "/ack");
  ASSERT_EQ(acked.status, 200u) << acked.body;
  EXPECT_EQ(acked.json().at("state"), "acknowledged");
  EXPECT_EQ(fixture.send(admin, "POST", letter_path + "/ack").status, 200u);

  // The other letter through the link it carries: a GET shows a form and
  // changes nothing; the form's POST acknowledges.
  const std::string other_path = location + "/letters/" + std::to_string(rids[1]);
  const std::string token =
      token_after(text_of(parse_mime(fixture.send(admin, "GET", other_path + ".eml").body)), "/v1/ack/");
  ASSERT_FALSE(token.empty());
  const auto form = fixture.send(std::nullopt, "GET", "/v1/ack/" + token);
  EXPECT_EQ(form.status, 200u);
  EXPECT_NE(form.body.find("<form method=\"post\""), std::string::npos);
  EXPECT_EQ(fixture.send(admin, "GET", other_path).json().at("state"), "sent");
  const auto by_form = fixture.send(std::nullopt, "POST", "/v1/ack/" + token, "", "application/x-www-form-urlencoded");
  EXPECT_EQ(by_form.status, 200u) << by_form.body;
  EXPECT_EQ(by_form.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(fixture.send(admin, "GET", other_path).json().at("state"), "acknowledged");
  const auto by_api = fixture.send(std::nullopt, "POST", "/v1/ack/" + token);
  EXPECT_EQ(by_api.status, 200u);
  EXPECT_EQ(by_api.json().at("state"), "acknowledged");
  EXPECT_EQ(fixture.send(std::nullopt, "POST", "/v1/ack/" + std::string(43, 'A')).status, 404u);

  const auto summary = fixture.send(admin, "GET", location);
  ASSERT_EQ(summary.status, 200u);

  const auto remediation = fixture.send(admin, "GET", location + "/remediation");
  ASSERT_EQ(remediation.status, 200u) << remediation.body;
  EXPECT_EQ(remediation.json().at("campaign_id"), id);
  EXPECT_TRUE(remediation.json().at("curve").is_array());
  EXPECT_TRUE(remediation.json().at("per_recipient").is_array());
}

TEST_F(Campaigns, AnalystsSeeOnlyTheirOwnCampaignsWithinTheirConstituency) {
  const auto created = create(sakura_analyst, kJpVpnRouters);
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::string location = "/v1/campaigns/" + std::to_string(created.json().at("id").as_int64());
  // Only Sakura's networks, whatever the selection said.
  const auto recipients = fixture.send(sakura_analyst, "GET", location + "/recipients");
  ASSERT_EQ(recipients.status, 200u) << recipients.body;
  ASSERT_EQ(recipients.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(recipients.json().at("items").at(0).at("email"), "abuse@sakura-hikari.example.jp");

  for (const std::string suffix : {"", "/recipients", "/letters", "/letters/1", "/letters/1.eml", "/remediation"}) {
    EXPECT_EQ(fixture.send(other_analyst, "GET", location + suffix).status, 404u) << suffix;
    EXPECT_EQ(fixture.send(admin, "GET", location + suffix).status, 200u) << suffix;
  }
  EXPECT_EQ(fixture.send(other_analyst, "POST", location + "/letters/1/ack").status, 404u);
  EXPECT_EQ(fixture.send(other_analyst, "GET", "/v1/campaigns").json().at("items").as_array().size(), 0u);
  EXPECT_EQ(fixture.send(sakura_analyst, "GET", "/v1/campaigns").json().at("items").as_array().size(), 1u);
  EXPECT_EQ(fixture.send(admin, "GET", "/v1/campaigns").json().at("items").as_array().size(), 1u);
  // The role rules themselves (researchers: 403) are the dispatcher's: ServerTest.
  for (const auto& route : fixture.registry().routes()) {
    if (route.pattern.starts_with("/v1/campaigns")) {
      EXPECT_EQ(route.access, Access::not_researcher) << route.pattern;
    }
  }
}

TEST_F(Campaigns, BadBodiesAreRefusedAndAnEmptySelectionIs422) {
  EXPECT_EQ(fixture.send(admin, "POST", "/v1/campaigns", kJpVpnRouters, "text/plain").status, 415u);
  const auto malformed = create(admin, R"({"name": "x", "selection": {)");
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_NE(std::string(malformed.json().at("detail").as_string()).find("line 1"), std::string::npos);
  const auto unknown = create(admin, R"({"name": "x", "selection": {"country": "JP"}, "budget": 5})");
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(unknown.json().at("invalid_params").at(0).at("name"), "budget");
  const auto bad_value = create(admin, R"({"name": "x", "selection": {"country": "Japan"}})");
  EXPECT_EQ(bad_value.status, 400u);
  EXPECT_EQ(bad_value.json().at("invalid_params").at(0).at("name"), "selection.country");
  const auto fraction = create(admin, R"({"name": "x", "selection": {"country": "JP"}, "control_fraction": 0.7})");
  EXPECT_EQ(fraction.status, 400u);
  EXPECT_EQ(fraction.json().at("invalid_params").at(0).at("name"), "control_fraction");
  const auto empty = create(admin, R"({"name": "x", "selection": {"label": "no-such-label"}})");
  EXPECT_EQ(empty.status, 422u) << empty.body;
  EXPECT_FALSE(empty.json().at("detail").as_string().empty());
  EXPECT_EQ(fixture.send(admin, "GET", "/v1/campaigns").json().at("items").as_array().size(), 0u);
}

TEST_F(Campaigns, OptoutIsRequestedVerifiedThroughTheMailedTokenAndListed) {
  const auto requested = fixture.send(
      std::nullopt, "POST", "/v1/optouts",
      R"({"prefix": "198.19.0.32/29", "contact": "noc@kumo-bb.example.jp", "reason": "we scan ourselves"})");
  ASSERT_EQ(requested.status, 202u) << requested.body;
  EXPECT_EQ(requested.json().at("state"), "pending");
  EXPECT_EQ(requested.json().at("verify_to"), "abuse@kumo-bb.example.jp");
  EXPECT_TRUE(requested.json().at("expires").is_string());

  // The token went out in a message to the abuse contact.
  std::string token;
  {
    auto session = fixture.database().session();
    db::MailOutbox outbox(session);
    auto claimed =
        outbox.claim({std::nullopt, db::MailKind::optout_verification, false}, std::chrono::system_clock::now(), 10);
    ASSERT_TRUE(claimed) << claimed.error().message;
    ASSERT_EQ(claimed->size(), 1u);
    EXPECT_EQ(claimed->front().envelope_to, "abuse@kumo-bb.example.jp");
    token = token_after(text_of(parse_mime(claimed->front().eml)), "/v1/optouts/verify/");
  }
  ASSERT_FALSE(token.empty());
  const auto pending = fixture.send(admin, "GET", "/v1/optouts");
  ASSERT_EQ(pending.status, 200u);
  EXPECT_EQ(pending.json().at("items").at(0).at("state"), "pending");

  EXPECT_EQ(fixture.send(std::nullopt, "GET", "/v1/optouts/verify/" + token).status, 200u);
  EXPECT_EQ(fixture.send(admin, "GET", "/v1/optouts").json().at("items").at(0).at("state"), "pending");
  EXPECT_EQ(fixture.send(std::nullopt, "POST", "/v1/optouts/verify/" + std::string(43, 'B')).status, 404u);
  const auto verified = fixture.send(std::nullopt, "POST", "/v1/optouts/verify/" + token);
  ASSERT_EQ(verified.status, 200u) << verified.body;
  EXPECT_EQ(verified.json().at("state"), "verified");
  const auto listed = fixture.send(admin, "GET", "/v1/optouts");
  ASSERT_EQ(listed.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(listed.json().at("items").at(0).at("state"), "verified");
  EXPECT_EQ(listed.json().at("items").at(0).at("prefix"), "198.19.0.32/29");

  // A prefix nobody answers for cannot be verified: 422, nothing stored.
  const auto orphan = fixture.send(std::nullopt, "POST", "/v1/optouts",
                                   R"({"prefix": "203.0.113.0/24", "contact": "a@b.example", "reason": "r"})");
  EXPECT_EQ(orphan.status, 422u) << orphan.body;
  EXPECT_EQ(fixture.send(admin, "GET", "/v1/optouts").json().at("items").as_array().size(), 1u);
}

}  // namespace
}  // namespace fumidai::api
