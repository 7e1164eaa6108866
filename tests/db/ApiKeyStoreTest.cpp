// ApiKeyStore against a real PostgreSQL: tokens, hashing, validation,
// revocation.
#include <gtest/gtest.h>

#include "TestDatabase.h"
#include "fumidai/db/ApiKeyStore.h"

namespace fumidai::db {
namespace {

using test::TestDatabase;

NewApiKey admin(std::string name) { return NewApiKey{std::move(name), ApiRole::admin, {}, {}}; }

TEST(ApiKeyStore, StoresOnlyTheHashOfTheSecret) {
  TestDatabase database;
  auto session = database.session();
  ApiKeyStore store(session);
  auto created = store.create(admin("ops"));
  ASSERT_TRUE(created) << created.error().message;
  auto token = ApiToken::parse(created->token);
  ASSERT_TRUE(token) << created->token;
  EXPECT_EQ(created->key.token_prefix, token->prefix);
  EXPECT_EQ(database.scalar<std::string>("SELECT token_prefix FROM api_keys"), token->prefix);
  EXPECT_EQ(database.scalar<std::string>("SELECT encode(secret_hash, 'hex') FROM api_keys"),
            database.scalar<std::string>("SELECT encode(sha256('" + token->secret + "'), 'hex')"));
  // The secret appears nowhere in the row, in any encoding we would use.
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM api_keys WHERE api_keys::text LIKE '%" + token->secret +
                                  "%' OR encode(secret_hash, 'escape') LIKE '%" + token->secret + "%'"),
            0);
}

TEST(ApiKeyStore, FindsLiveKeysAndNotRevokedOnes) {
  TestDatabase database;
  auto session = database.session();
  ApiKeyStore store(session);
  auto created = store.create(NewApiKey{"ana", ApiRole::researcher, {}, {2.5, 7}});
  ASSERT_TRUE(created);
  auto found = store.find(created->token);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->id, created->key.id);
  EXPECT_EQ((*found)->name, "ana");
  EXPECT_EQ((*found)->role, ApiRole::researcher);
  EXPECT_EQ((*found)->rate.per_second, 2.5);
  EXPECT_EQ((*found)->rate.burst, 7);
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM api_keys WHERE last_used_at IS NOT NULL"), 1);

  auto revoked = store.revoke("ana");
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_FALSE(revoked->already_revoked);
  EXPECT_TRUE(revoked->key.revoked_at);
  found = store.find(created->token);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  auto again = store.revoke(std::to_string(created->key.id));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->already_revoked);
  auto unknown = store.revoke("nobody");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, Error::Kind::invalid_input);
  auto listed = store.list();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE(listed->front().revoked_at);
}

TEST(ApiKeyStore, ANameThatIsANumberWinsOverTheIdItSpells) {
  TestDatabase database;
  auto session = database.session();
  ApiKeyStore store(session);
  auto first = store.create(admin("first"));
  auto numbered = store.create(admin(std::to_string(first->key.id)));
  ASSERT_TRUE(first && numbered);
  auto revoked = store.revoke(std::to_string(first->key.id));
  ASSERT_TRUE(revoked);
  EXPECT_EQ(revoked->key.id, numbered->key.id);
}

TEST(ApiKeyStore, WrongTokensFindNothing) {
  TestDatabase database;
  auto session = database.session();
  ApiKeyStore store(session);
  auto created = store.create(admin("ops"));
  ASSERT_TRUE(created);
  const std::string& t = created->token;
  std::string wrong_secret = t;
  wrong_secret.back() = wrong_secret.back() == 'A' ? 'E' : 'A';
  std::string wrong_prefix = t;
  wrong_prefix[4] = wrong_prefix[4] == 'a' ? 'b' : 'a';
  for (const std::string& bad :
       std::vector<std::string>{"", "fmd_", t.substr(0, t.size() - 1), t + "A", wrong_secret, wrong_prefix,
                                "Bearer " + t, "fmd_' OR '1'='1_" + std::string(43, 'A'),
                                t.substr(0, 13) + std::string(43, '\0'), "fmd_" + t.substr(4, 8) + "_%"}) {
    auto found = store.find(bad);
    ASSERT_TRUE(found) << bad << ": " << found.error().message;
    EXPECT_FALSE(*found) << bad;
  }
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM api_keys"), 1);
}

TEST(ApiKeyStore, AnAnalystsConstituencyRoundTrips) {
  TestDatabase database;
  auto session = database.session();
  ApiKeyStore store(session);
  NewApiKey key{"cert-de", ApiRole::analyst, {}, {}};
  key.constituency.asns = {64501, 64500, 64501};
  key.constituency.prefixes = {"198.51.100.0/24", "2001:db8::/32", "192.0.2.7"};
  key.constituency.countries = {"de", "AT"};
  auto created = store.create(key);
  ASSERT_TRUE(created) << created.error().message;
  const ApiConstituency want{{64500, 64501}, {"192.0.2.7/32", "198.51.100.0/24", "2001:db8::/32"}, {"AT", "DE"}};
  EXPECT_EQ(created->key.constituency, want);
  auto found = store.find(created->token);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->constituency, want);
  EXPECT_EQ((*found)->role, ApiRole::analyst);
  EXPECT_EQ(database.scalar<std::string>("SELECT prefixes::text FROM api_keys"),
            "{192.0.2.7/32,198.51.100.0/24,2001:db8::/32}");
}

TEST(ApiKeyStore, RefusesBadKeysAndWritesNothing) {
  TestDatabase database;
  auto session = database.session();
  ApiKeyStore store(session);
  ASSERT_TRUE(store.create(admin("taken")));
  NewApiKey analyst_without{"a", ApiRole::analyst, {}, {}};
  NewApiKey admin_with{"b", ApiRole::admin, {{64500}, {}, {}}, {}};
  NewApiKey bad_cidr{"c", ApiRole::analyst, {{}, {"192.0.2.1/24"}, {}}, {}};
  NewApiKey bad_prefix{"c", ApiRole::analyst, {{}, {"not-a-prefix"}, {}}, {}};
  NewApiKey bad_country{"d", ApiRole::analyst, {{}, {}, {"DEU"}}, {}};
  NewApiKey bad_asn{"e", ApiRole::analyst, {{0}, {}, {}}, {}};
  NewApiKey bad_rate{"f", ApiRole::admin, {}, {0, 5}};
  NewApiKey nan_rate{"f", ApiRole::admin, {}, {std::nan(""), 5}};
  NewApiKey bad_burst{"f", ApiRole::admin, {}, {1, 0.5}};
  for (const auto& bad :
       {analyst_without, admin_with, bad_cidr, bad_prefix, bad_country, bad_asn, bad_rate, nan_rate, bad_burst,
        admin(""), admin(std::string(65, 'x')), admin("robert'); DROP TABLE"), admin("a b"), admin("taken")}) {
    auto created = store.create(bad);
    ASSERT_FALSE(created) << bad.name;
    EXPECT_EQ(created.error().kind, Error::Kind::invalid_input) << created.error().message;
  }
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM api_keys"), 1);
}

TEST(ApiKeyStore, SqlLookingTextIsOnlyData) {
  TestDatabase database;
  auto session = database.session();
  ApiKeyStore store(session);
  // Names allow . _ - only: the nearest a name gets to SQL.
  auto created = store.create(admin("x--drop_table.api_keys"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(database.scalar<std::string>("SELECT name FROM api_keys"), "x--drop_table.api_keys");
  for (const char* text : {"'; DROP TABLE api_keys; --", "1 OR 1=1", "x--drop_table.api_keys' --"}) {
    auto revoked = store.revoke(text);
    ASSERT_FALSE(revoked) << text;
    EXPECT_EQ(revoked.error().kind, Error::Kind::invalid_input);
  }
  EXPECT_EQ(database.scalar<long>("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"), 1);
}

}  // namespace
}  // namespace fumidai::db
