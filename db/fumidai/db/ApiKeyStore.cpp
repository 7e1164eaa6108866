#include "fumidai/db/ApiKeyStore.h"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <pqxx/pqxx>
#include <tuple>

#include "fumidai/db/IpPrefix.h"
#include "fumidai/db/PreparedCall.h"
#include "fumidai/db/SqlArray.h"

namespace fumidai::db {
namespace {

constexpr std::int64_t kMaxAsn = 4294967295;

constexpr const char* kColumns =
    "SELECT id, name, role, token_prefix, asns, prefixes, countries, rate_per_second, burst, epoch_us(created_at), "
    "       epoch_us(revoked_at), epoch_us(last_used_at)";
constexpr const char* kFrom = " FROM api_keys ";

// The unique constraints create() can meet (0004_api.sql names them so).
constexpr std::string_view kNameTaken = "api_keys_name_key";
constexpr std::string_view kPrefixTaken = "api_keys_token_prefix_key";

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= ApiKeyStore::kMaxNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
         });
}

template <class T>
void sort_unique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

std::optional<TimePoint> optional_time(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return detail::from_micros(field.as<long long>());
}

ApiKey key_from_row(const pqxx::row& row) {
  ApiKey key;
  key.id = row[0].as<std::int64_t>();
  key.name = row[1].as<std::string>();
  key.role = parse_role(row[2].as<std::string>()).value_or(ApiRole::researcher);  // the table's CHECK holds
  key.token_prefix = row[3].as<std::string>();
  for (const auto& asn : detail::text_array(row[4])) key.constituency.asns.push_back(std::stoll(asn));
  key.constituency.prefixes = detail::text_array(row[5]);
  key.constituency.countries = detail::text_array(row[6]);
  key.rate = ApiRate{row[7].as<double>(), row[8].as<double>()};
  key.created_at = detail::from_micros(row[9].as<long long>());
  key.revoked_at = optional_time(row[10]);
  key.last_used_at = optional_time(row[11]);
  return key;
}

std::string hex(const std::array<unsigned char, 32>& bytes) {
  std::string out = "\\x";
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

std::optional<std::array<unsigned char, 32>> from_hex(std::string_view text) {
  std::array<unsigned char, 32> out{};
  if (text.size() != 64) return std::nullopt;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const char* first = text.data() + 2 * i;
    if (std::from_chars(first, first + 2, out[i], 16).ec != std::errc()) return std::nullopt;
  }
  return out;
}

bool violates(const pqxx::unique_violation& e, std::string_view constraint) {
  return std::string_view(e.what()).find(constraint) != std::string_view::npos;
}

}  // namespace

ApiKeyStore::ApiKeyStore(Session& session) : session_(session) {}

Result<NewApiKey> ApiKeyStore::validate(NewApiKey key) {
  if (!valid_name(key.name)) {
    return make_input_error(
        fmt::format("bad key name {:?}: 1-{} characters of A-Z a-z 0-9 . _ -", key.name.substr(0, 80), kMaxNameLength));
  }
  auto& c = key.constituency;
  if (c.asns.size() > kMaxConstituencyEntries || c.prefixes.size() > kMaxConstituencyEntries ||
      c.countries.size() > kMaxConstituencyEntries) {
    return make_input_error(
        fmt::format("a constituency holds at most {} ASNs, prefixes and countries each", kMaxConstituencyEntries));
  }
  for (auto asn : c.asns) {
    if (asn < 1 || asn > kMaxAsn) return make_input_error(fmt::format("bad ASN {}: not 1-{}", asn, kMaxAsn));
  }
  for (auto& prefix : c.prefixes) {
    auto parsed = parse_prefix(prefix);
    if (!parsed) return parsed.error();  // "bad prefix "...": why"
    prefix = format_prefix(*parsed);
  }
  for (auto& country : c.countries) {
    if (country.size() != 2 || !std::all_of(country.begin(), country.end(), [](char ch) {
          return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
        })) {
      return make_input_error(
          fmt::format("bad country {:?}: an ISO 3166-1 alpha-2 code such as DE", country.substr(0, 16)));
    }
    for (auto& ch : country) ch = static_cast<char>(ch & ~0x20);
  }
  sort_unique(c.asns);
  sort_unique(c.prefixes);
  sort_unique(c.countries);
  if (key.role == ApiRole::analyst && c.empty()) {
    return make_input_error("an analyst key needs a constituency: at least one ASN, prefix or country");
  }
  if (key.role != ApiRole::analyst && !c.empty()) {
    return make_input_error(fmt::format("{} key sees everything: a constituency is for analyst keys only",
                                        key.role == ApiRole::admin ? "an admin" : "a researcher"));
  }
  if (!std::isfinite(key.rate.per_second) || key.rate.per_second <= 0 || key.rate.per_second > kMaxRate) {
    return make_input_error(
        fmt::format("bad rate {}: requests per second, more than 0 and at most {}", key.rate.per_second, kMaxRate));
  }
  if (!std::isfinite(key.rate.burst) || key.rate.burst < 1 || key.rate.burst > kMaxRate) {
    return make_input_error(fmt::format("bad burst {}: 1 to {} requests", key.rate.burst, kMaxRate));
  }
  return key;
}

Result<CreatedApiKey> ApiKeyStore::create(const NewApiKey& request) {
  auto key = validate(request);
  if (!key) return key.error();
  auto token = ApiToken::generate();
  if (!token) return token.error();
  // A prefix is 36^8 (about 2.8e12) values wide: a collision is rare but
  // possible, and a fresh prefix is all it takes.
  for (int attempt = 0;; ++attempt) {
    bool prefix_taken = false;
    auto created = guarded("creating an API key", [&]() -> Result<CreatedApiKey> {
      pqxx::work tx(session_.connection());
      try {
        const auto row = tx.exec_params1(
            "INSERT INTO api_keys (name, role, token_prefix, secret_hash, asns, prefixes, countries, "
            "                      rate_per_second, burst) "
            "VALUES ($1, $2, $3, $4::bytea, $5::bigint[], $6::cidr[], $7::text[], $8, $9) RETURNING id",
            key->name, std::string(role_name(key->role)), token->prefix, hex(token->secret_hash()),
            sql_array(key->constituency.asns), sql_array(key->constituency.prefixes),
            sql_array(key->constituency.countries), key->rate.per_second, key->rate.burst);
        const auto id = row[0].as<std::int64_t>();
        const auto stored = tx.exec_params1(std::string(kColumns) + kFrom + "WHERE id = $1", id);
        tx.commit();
        return CreatedApiKey{key_from_row(stored), token->text()};
      } catch (const pqxx::unique_violation& e) {
        if (violates(e, kNameTaken)) return make_input_error(fmt::format("a key named {:?} exists", key->name));
        if (!violates(e, kPrefixTaken)) throw;
        prefix_taken = true;
        return make_error("token prefix taken");
      }
    });
    if (!prefix_taken || attempt == 3) return created;
    auto prefix = ApiToken::generate_prefix();
    if (!prefix) return prefix.error();
    token->prefix = std::move(*prefix);
  }
}

Result<std::optional<ApiKey>> ApiKeyStore::find(std::string_view token) {
  auto parsed = ApiToken::parse(token);
  if (!parsed) return std::optional<ApiKey>();
  return find(*parsed);
}

Result<std::optional<ApiKey>> ApiKeyStore::find(const ApiToken& token) {
  return guarded("looking up an API key", [&]() -> Result<std::optional<ApiKey>> {
    pqxx::work tx(session_.connection());
    const auto rows = tx.exec_params(std::string(kColumns) + ", encode(secret_hash, 'hex')" + kFrom +
                                         "WHERE token_prefix = $1 AND revoked_at IS NULL",
                                     token.prefix);
    if (rows.empty()) return std::optional<ApiKey>();
    const auto stored = from_hex(rows[0][12].as<std::string>());
    const auto given = token.secret_hash();
    if (!stored || CRYPTO_memcmp(stored->data(), given.data(), given.size()) != 0) return std::optional<ApiKey>();
    ApiKey key = key_from_row(rows[0]);
    // Coarse on purpose (0004_api.sql): a busy key writes once a minute.
    tx.exec_params(
        "UPDATE api_keys SET last_used_at = now() "
        "WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
        key.id);
    tx.commit();
    return std::optional<ApiKey>(std::move(key));
  });
}

Result<std::vector<ApiKey>> ApiKeyStore::list() {
  return guarded("listing API keys", [&]() -> Result<std::vector<ApiKey>> {
    pqxx::read_transaction tx(session_.connection());
    std::vector<ApiKey> keys;
    for (const auto& row : tx.exec(std::string(kColumns) + kFrom + "ORDER BY id")) keys.push_back(key_from_row(row));
    return keys;
  });
}

Result<RevokedApiKey> ApiKeyStore::revoke(std::string_view name_or_id) {
  std::optional<std::int64_t> id;
  std::int64_t number = 0;
  const auto* end = name_or_id.data() + name_or_id.size();
  if (auto [ptr, ec] = std::from_chars(name_or_id.data(), end, number); ec == std::errc() && ptr == end) id = number;
  return guarded("revoking an API key", [&]() -> Result<RevokedApiKey> {
    pqxx::work tx(session_.connection());
    auto rows = tx.exec_params(std::string(kColumns) + kFrom + "WHERE name = $1 FOR UPDATE", std::string(name_or_id));
    if (rows.empty() && id) rows = tx.exec_params(std::string(kColumns) + kFrom + "WHERE id = $1 FOR UPDATE", *id);
    if (rows.empty()) {
      return make_input_error(fmt::format("no API key is named or numbered {:?}", name_or_id.substr(0, 80)));
    }
    RevokedApiKey revoked{key_from_row(rows[0]), false};
    if (revoked.key.revoked_at) {
      revoked.already_revoked = true;
      return revoked;
    }
    const auto at = tx.exec_params1(
        "UPDATE api_keys SET revoked_at = now() WHERE id = $1 RETURNING epoch_us(revoked_at)", revoked.key.id);
    revoked.key.revoked_at = detail::from_micros(at[0].as<long long>());
    tx.commit();
    return revoked;
  });
}

}  // namespace fumidai::db
