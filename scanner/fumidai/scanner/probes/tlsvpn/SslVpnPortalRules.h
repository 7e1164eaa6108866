#pragma once
// Which SSL VPN portal an HTTPS answer comes from, by rules people edit:
// scanner/data/sslvpn-portals.conf (embedded as the built-in rules; its
// header documents the format). Each rule names a product and has
//   hint    conditions: on GET /, worth the rule's one follow-up request;
//   confirm conditions: on GET / or on the follow-up, this is the product;
//   follow  PATH: the follow-up, fetched from the same address and port.
// A condition is FIELD OP [VALUE]: FIELD is status, location, title, body,
// header:NAME or cookie (a Set-Cookie name); OP is "is" (equal), "has"
// (substring), "prefix", or "present" (header and cookie only, no value).
// Comparisons are exact bytes; header names compare case-insensitively.
// Rules are tried in file order, so put the more specific one first.
//
// Contract: a value type; parse() checks every line so a bad rule fails at
// start-up. Matching is a pure function of an already parsed response (the
// untrusted part) and is linear in its size; safe from any thread.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/probes/http/HttpResponse.h"

namespace fumidai::scanner {

class SslVpnPortalRules {
 public:
  static constexpr std::size_t kMaxRules = 64;
  static constexpr std::size_t kMaxConditionsPerRule = 32;
  static constexpr std::size_t kMaxValueBytes = 256;

  enum class Field { status, location, title, body, header, cookie };
  enum class Op { is, has, prefix, present };

  struct Condition {
    Field field = Field::body;
    std::string header;  // for Field::header: the name
    Op op = Op::has;
    std::string value;
    bool matches(const HttpResponse& response) const;
    // As written in the file, e.g. `body has "fgt_lang"`: the record's evidence.
    std::string describe() const;
  };

  struct Rule {
    std::string product;
    std::vector<Condition> hints;
    std::vector<Condition> confirms;
    std::string follow;  // absolute path, or empty
  };

  struct Match {
    const Rule* rule = nullptr;
    const Condition* condition = nullptr;
  };

  // Errors name the source, the line and the bad value.
  static Result<SslVpnPortalRules> parse(std::string_view text, std::string_view source);
  // scanner/data/sslvpn-portals.conf; the unit tests parse the same text.
  static const SslVpnPortalRules& built_in();

  // The first rule one of whose confirm conditions holds.
  std::optional<Match> confirmed(const HttpResponse& response) const;
  // The first rule with a follow-up path one of whose hints holds.
  std::optional<Match> hinted(const HttpResponse& response) const;
  // The first of `rule`'s confirm conditions that holds.
  static const Condition* confirming(const Rule& rule, const HttpResponse& response);

  const std::vector<Rule>& rules() const { return rules_; }

 private:
  std::vector<Rule> rules_;
};

}  // namespace fumidai::scanner
