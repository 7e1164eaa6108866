#include "KeysCommand.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/json.hpp>
#include <charconv>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CommandError.h"
#include "DbFlags.h"
#include "fumidai/db/ApiKeyStore.h"
#include "fumidai/db/DatabaseLocation.h"
#include "fumidai/db/Migrator.h"
#include "fumidai/db/UtcTime.h"

namespace fumidai::cli {
namespace {

struct KeysOptions {
  std::string name;
  std::string role;
  std::vector<std::string> asns;
  std::vector<std::string> prefixes;
  std::vector<std::string> countries;
  double rate = db::ApiRate{}.per_second;
  double burst = db::ApiRate{}.burst;
  bool json = false;
  std::string key;  // revoke: a name or an id
  std::optional<std::string> url;
};

// 64500 or AS64500.
Result<std::int64_t> parse_asn(std::string_view text) {
  std::string_view digits = text;
  if (digits.size() > 2 && (digits.substr(0, 2) == "AS" || digits.substr(0, 2) == "as")) digits.remove_prefix(2);
  std::int64_t asn = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, asn);
  if (digits.empty() || ec != std::errc() || ptr != end) {
    return make_input_error(fmt::format("--asn: bad ASN {:?}: a number such as 64500 or AS64500", text));
  }
  return asn;
}

Result<db::NewApiKey> new_key(const KeysOptions& o) {
  auto role = db::parse_role(o.role);
  if (!role) return make_input_error(fmt::format("--role: bad role {:?}: admin, analyst or researcher", o.role));
  db::NewApiKey key{o.name, *role, {}, {o.rate, o.burst}};
  for (const auto& text : o.asns) {
    auto asn = parse_asn(text);
    if (!asn) return asn.error();
    key.constituency.asns.push_back(*asn);
  }
  key.constituency.prefixes = o.prefixes;
  key.constituency.countries = o.countries;
  return db::ApiKeyStore::validate(std::move(key));
}

std::string time_text(const std::optional<db::TimePoint>& at) {
  if (!at) return "";
  return db::format_utc_time(std::chrono::time_point_cast<std::chrono::microseconds>(*at));
}

std::string constituency_text(const db::ApiConstituency& c) {
  std::vector<std::string> parts;
  for (auto asn : c.asns) parts.push_back(fmt::format("AS{}", asn));
  parts.insert(parts.end(), c.prefixes.begin(), c.prefixes.end());
  parts.insert(parts.end(), c.countries.begin(), c.countries.end());
  return parts.empty() ? "-" : fmt::format("{}", fmt::join(parts, ","));
}

boost::json::object key_json(const db::ApiKey& k) {
  boost::json::object o;
  o["id"] = k.id;
  o["name"] = k.name;
  o["role"] = std::string(db::role_name(k.role));
  o["token_prefix"] = k.token_prefix;
  boost::json::object c;
  c["asns"] = boost::json::value_from(k.constituency.asns);
  c["prefixes"] = boost::json::value_from(k.constituency.prefixes);
  c["countries"] = boost::json::value_from(k.constituency.countries);
  o["constituency"] = std::move(c);
  o["rate_per_second"] = k.rate.per_second;
  o["burst"] = k.rate.burst;
  o["created_at"] = time_text(k.created_at);
  const auto nullable = [](const std::optional<db::TimePoint>& t) -> boost::json::value {
    if (!t) return nullptr;
    return boost::json::string(time_text(t));
  };
  o["revoked_at"] = nullable(k.revoked_at);
  o["last_used_at"] = nullable(k.last_used_at);
  return o;
}

int run_create(const KeysOptions& options) {
  // Everything is checked before the database is touched.
  auto key = new_key(options);
  if (!key) return report_error("keys create", key.error());
  auto session = open_database(options.url);
  if (!session) return report_error("keys create", session.error());
  auto created = db::ApiKeyStore(*session).create(*key);
  if (!created) return report_error("keys create", created.error());
  fmt::print("{}\n", created->token);
  std::fflush(stdout);
  fmt::print(stderr, "fumidai keys create: key {} ({}, {}); the token above is shown only once: store it now\n",
             created->key.id, created->key.name, db::role_name(created->key.role));
  return 0;
}

int run_list(const KeysOptions& options) {
  auto session = open_database(options.url);
  if (!session) return report_error("keys list", session.error());
  auto keys = db::ApiKeyStore(*session).list();
  if (!keys) return report_error("keys list", keys.error());
  if (options.json) {
    boost::json::array out;
    for (const auto& k : *keys) out.push_back(key_json(k));
    fmt::print("{}\n", boost::json::serialize(out));
    return 0;
  }
  if (keys->empty()) {
    fmt::print("no API keys yet: `fumidai keys create NAME --role admin|analyst|researcher`\n");
    return 0;
  }
  fmt::print("{:>5}  {:<24}  {:<10}  {:<8}  {:>8}  {:>6}  {:<27}  {:<27}  {:<27}  {}\n", "id", "name", "role", "prefix",
             "rate/s", "burst", "created", "last used", "revoked", "constituency");
  for (const auto& k : *keys) {
    fmt::print("{:>5}  {:<24}  {:<10}  {:<8}  {:>8}  {:>6}  {:<27}  {:<27}  {:<27}  {}\n", k.id, k.name,
               db::role_name(k.role), k.token_prefix, k.rate.per_second, k.rate.burst, time_text(k.created_at),
               time_text(k.last_used_at), time_text(k.revoked_at), constituency_text(k.constituency));
  }
  return 0;
}

int run_revoke(const KeysOptions& options) {
  auto session = open_database(options.url);
  if (!session) return report_error("keys revoke", session.error());
  auto revoked = db::ApiKeyStore(*session).revoke(options.key);
  if (!revoked) return report_error("keys revoke", revoked.error());
  if (revoked->already_revoked) {
    fmt::print("key {} ({}) was already revoked at {}\n", revoked->key.id, revoked->key.name,
               time_text(revoked->key.revoked_at));
  } else {
    fmt::print("revoked key {} ({}); servers refuse it within their key cache's TTL (30 s)\n", revoked->key.id,
               revoked->key.name);
  }
  return 0;
}

}  // namespace

void register_keys_command(CLI::App& root, int& exit_code) {
  auto options = std::make_shared<KeysOptions>();
  CLI::App* keys = root.add_subcommand("keys", "The REST API's keys: create (the token is shown once), list, revoke");
  keys->require_subcommand(1);

  CLI::App* create = keys->add_subcommand("create", "Make a key and print its token (only the hash is stored)");
  create->add_option("NAME", options->name, "1-64 characters of A-Z a-z 0-9 . _ -")->required();
  create
      ->add_option("--role", options->role,
                   "admin (everything), analyst (its constituency only) or researcher (statistics, "
                   "pseudonymized exports)")
      ->required();
  create->add_option("--asn", options->asns, "An analyst's ASN (repeatable): 64500 or AS64500");
  create->add_option("--prefix", options->prefixes, "An analyst's network (repeatable): CIDR, host bits clear");
  create->add_option("--country", options->countries, "An analyst's country (repeatable): ISO 3166-1 alpha-2");
  create->add_option("--rate", options->rate, "Requests per second (default 10)");
  create->add_option("--burst", options->burst, "Requests saved up for a burst (default 50)");
  add_db_option(*create, options->url);
  create->callback([options, &exit_code] { exit_code = run_create(*options); });

  CLI::App* list = keys->add_subcommand("list", "Every key, revoked ones included (never a secret)");
  list->add_flag("--json", options->json, "One JSON array");
  add_db_option(*list, options->url);
  list->callback([options, &exit_code] { exit_code = run_list(*options); });

  CLI::App* revoke = keys->add_subcommand("revoke", "Revoke a key by name or id (it stays listed)");
  revoke->add_option("KEY", options->key, "The key's name, or its id")->required();
  add_db_option(*revoke, options->url);
  revoke->callback([options, &exit_code] { exit_code = run_revoke(*options); });
}

}  // namespace fumidai::cli
