#include <gtest/gtest.h>

#include <map>

#include "fumidai/api/auth/KeyAuthenticator.h"
#include "fumidai/core/ManualClock.h"

namespace fumidai::api {
namespace {

using namespace std::chrono_literals;

// A key store in memory that counts what it is asked.
struct CountingStore {
  std::map<std::string, db::ApiKey> keys;  // token text -> key
  int lookups = 0;
  bool broken = false;

  KeyLookup lookup() {
    return [this](const db::ApiToken& token) -> Result<std::optional<db::ApiKey>> {
      ++lookups;
      if (broken) return make_error("database away");
      auto it = keys.find(token.text());
      if (it == keys.end()) return std::optional<db::ApiKey>();
      return std::optional<db::ApiKey>(it->second);
    };
  }
  std::string add(std::int64_t id, db::ApiRole role, db::ApiConstituency constituency = {}) {
    const std::string token = db::ApiToken::generate()->text();
    db::ApiKey key;
    key.id = id;
    key.name = "key" + std::to_string(id);
    key.role = role;
    key.constituency = std::move(constituency);
    key.rate = db::ApiRate{5, 20};
    keys[token] = key;
    return token;
  }
};

TEST(KeyAuthenticator, MapsTheKeyToItsPrincipal) {
  ManualClock clock;
  CountingStore store;
  const auto token = store.add(7, db::ApiRole::analyst, {{64500}, {"192.0.2.0/24"}, {"DE"}});
  KeyAuthenticator auth(store.lookup(), clock);
  auto p = auth.authenticate(token);
  ASSERT_TRUE(p);
  ASSERT_TRUE(*p);
  EXPECT_EQ((*p)->key_id, 7);
  EXPECT_EQ((*p)->key_name, "key7");
  EXPECT_EQ((*p)->role, Role::analyst);
  EXPECT_EQ((*p)->constituency.asns, std::vector<std::int64_t>{64500});
  EXPECT_EQ((*p)->constituency.prefixes, std::vector<std::string>{"192.0.2.0/24"});
  EXPECT_EQ((*p)->constituency.countries, std::vector<std::string>{"DE"});
  EXPECT_EQ((*p)->rate_limit.per_second, 5);
  EXPECT_EQ((*p)->rate_limit.burst, 20);
}

TEST(KeyAuthenticator, AHotKeyIsLookedUpOncePerTtl) {
  ManualClock clock;
  CountingStore store;
  const auto token = store.add(1, db::ApiRole::admin);
  KeyAuthenticator auth(store.lookup(), clock, {30s, 100});
  for (int i = 0; i < 100; ++i) {
    auto p = auth.authenticate(token);
    ASSERT_TRUE(p && *p);
    clock.advance(100ms);
  }
  EXPECT_EQ(store.lookups, 1);
  clock.advance(21s);  // 31 s after the lookup
  EXPECT_TRUE(*auth.authenticate(token));
  EXPECT_EQ(store.lookups, 2);
}

TEST(KeyAuthenticator, UnknownTokensAreCachedToo) {
  ManualClock clock;
  CountingStore store;
  KeyAuthenticator auth(store.lookup(), clock, {30s, 100});
  const auto unknown = db::ApiToken::generate()->text();
  for (int i = 0; i < 10; ++i) {
    auto p = auth.authenticate(unknown);
    ASSERT_TRUE(p);
    EXPECT_FALSE(*p);
  }
  EXPECT_EQ(store.lookups, 1);
}

TEST(KeyAuthenticator, MalformedTokensNeverReachTheStore) {
  ManualClock clock;
  CountingStore store;
  const auto token = store.add(1, db::ApiRole::admin);
  KeyAuthenticator auth(store.lookup(), clock);
  for (const std::string& bad :
       std::vector<std::string>{std::string(), std::string("Bearer ") + token, token + " ", token.substr(1),
                                "fmd_ABCDEFGH_" + token.substr(13), std::string("' OR 1=1 --"), std::string(4096, 'a'),
                                token.substr(0, 12) + "-" + token.substr(13), std::string("fmd_\0\0", 6)}) {
    auto p = auth.authenticate(bad);
    ASSERT_TRUE(p) << bad;
    EXPECT_FALSE(*p) << bad;
  }
  EXPECT_EQ(store.lookups, 0);
}

TEST(KeyAuthenticator, AWrongSecretForAKnownPrefixIsNotTheCachedKey) {
  ManualClock clock;
  CountingStore store;
  const auto token = store.add(1, db::ApiRole::admin);
  KeyAuthenticator auth(store.lookup(), clock);
  ASSERT_TRUE(*auth.authenticate(token));
  std::string forged = token;
  forged[20] = forged[20] == 'A' ? 'B' : 'A';
  auto p = auth.authenticate(forged);
  ASSERT_TRUE(p);
  EXPECT_FALSE(*p);
  EXPECT_EQ(store.lookups, 2);
}

TEST(KeyAuthenticator, RevocationTakesEffectWithinTheTtl) {
  ManualClock clock;
  CountingStore store;
  const auto token = store.add(1, db::ApiRole::researcher);
  KeyAuthenticator auth(store.lookup(), clock, {30s, 100});
  ASSERT_TRUE(*auth.authenticate(token));
  store.keys.clear();  // revoked
  clock.advance(29s);
  EXPECT_TRUE(*auth.authenticate(token)) << "still cached";
  clock.advance(1s);
  EXPECT_FALSE(*auth.authenticate(token));
}

TEST(KeyAuthenticator, ErrorsAreReportedAndNotCached) {
  ManualClock clock;
  CountingStore store;
  const auto token = store.add(1, db::ApiRole::admin);
  KeyAuthenticator auth(store.lookup(), clock);
  store.broken = true;
  EXPECT_FALSE(auth.authenticate(token));
  store.broken = false;
  auto p = auth.authenticate(token);
  ASSERT_TRUE(p);
  EXPECT_TRUE(*p);
  EXPECT_EQ(store.lookups, 2);
}

TEST(KeyAuthenticator, TheCacheIsBounded) {
  ManualClock clock;
  CountingStore store;
  const auto token = store.add(1, db::ApiRole::admin);
  KeyAuthenticator auth(store.lookup(), clock, {30s, 50});
  ASSERT_TRUE(*auth.authenticate(token));
  for (int i = 0; i < 500; ++i) ASSERT_FALSE(*auth.authenticate(db::ApiToken::generate()->text()));
  EXPECT_EQ(auth.cached(), 50u);
  // The oldest went first: the real key is asked again.
  const int before = store.lookups;
  EXPECT_TRUE(*auth.authenticate(token));
  EXPECT_EQ(store.lookups, before + 1);
}

TEST(ApiToken, GeneratesParseableDistinctTokens) {
  auto a = db::ApiToken::generate();
  auto b = db::ApiToken::generate();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->text().size(), db::ApiToken::kLength);
  EXPECT_NE(a->text(), b->text());
  auto parsed = db::ApiToken::parse(a->text());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->prefix, a->prefix);
  EXPECT_EQ(parsed->secret, a->secret);
  EXPECT_EQ(parsed->secret_hash(), a->secret_hash());
  EXPECT_FALSE(db::ApiToken::parse("fmd_abcdefgh_" + std::string(43, 'A').replace(42, 1, "B")))
      << "a non-canonical last character";
}

}  // namespace
}  // namespace fumidai::api
