#include "fumidai/scanner/probes/tlsvpn/SslVpnPortalRules.h"

#include <fmt/format.h>

#include <cassert>

#include "fumidai/core/Trim.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::embedded {
extern const std::string_view sslvpn_portals_conf;
}

namespace fumidai::scanner {
namespace {

using Rules = SslVpnPortalRules;

// Splits off the first blank-separated word.
std::string_view take_word(std::string_view& line) {
  line = trim_blanks(line);
  const std::size_t gap = std::min(line.find_first_of(" \t"), line.size());
  const std::string_view word = line.substr(0, gap);
  line = trim_blanks(line.substr(gap));
  return word;
}

bool printable_without_space(std::string_view s) {
  for (const char c : s)
    if (c <= ' ' || c > '~') return false;
  return true;
}

Result<Rules::Condition> parse_condition(std::string_view text) {
  Rules::Condition c;
  const std::string_view field = take_word(text);
  if (field == "status")
    c.field = Rules::Field::status;
  else if (field == "location")
    c.field = Rules::Field::location;
  else if (field == "title")
    c.field = Rules::Field::title;
  else if (field == "body")
    c.field = Rules::Field::body;
  else if (field == "cookie")
    c.field = Rules::Field::cookie;
  else if (field.starts_with("header:") && field.size() > 7 && printable_without_space(field.substr(7))) {
    c.field = Rules::Field::header;
    c.header = std::string(field.substr(7));
  } else {
    return make_input_error(
        fmt::format("unknown field {} (status, location, title, body, header:NAME, cookie)", quote_bytes(field)));
  }
  const std::string_view op = take_word(text);
  if (op == "is")
    c.op = Rules::Op::is;
  else if (op == "has")
    c.op = Rules::Op::has;
  else if (op == "prefix")
    c.op = Rules::Op::prefix;
  else if (op == "present")
    c.op = Rules::Op::present;
  else
    return make_input_error(fmt::format("unknown operator {} (is, has, prefix, present)", quote_bytes(op)));

  // The value is the rest of the line; quotes keep blanks at its ends.
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  if (c.op == Rules::Op::present) {
    if (c.field != Rules::Field::header && c.field != Rules::Field::cookie)
      return make_input_error("\"present\" applies to header:NAME and cookie only");
    if (!text.empty()) return make_input_error("\"present\" takes no value");
    return c;
  }
  if (text.empty()) return make_input_error("missing value");
  if (text.size() > Rules::kMaxValueBytes)
    return make_input_error(fmt::format("value longer than {} bytes", Rules::kMaxValueBytes));
  if (c.field == Rules::Field::status) {
    const bool three_digits = text.size() == 3 && text[0] >= '1' && text[0] <= '9' &&
                              text.find_first_not_of("0123456789") == std::string_view::npos;
    if (c.op != Rules::Op::is || !three_digits) return make_input_error("status takes \"is NNN\"");
  }
  c.value = std::string(text);
  return c;
}

bool test(Rules::Op op, std::string_view text, std::string_view value) {
  switch (op) {
    case Rules::Op::is:
      return text == value;
    case Rules::Op::has:
      return text.find(value) != std::string_view::npos;
    case Rules::Op::prefix:
      return text.starts_with(value);
    case Rules::Op::present:
      return true;
  }
  return false;
}

}  // namespace

bool SslVpnPortalRules::Condition::matches(const HttpResponse& response) const {
  switch (field) {
    case Field::status:
      return std::to_string(response.status) == value;
    case Field::location: {
      const auto location = response.location();
      return location && test(op, *location, value);
    }
    case Field::title:
      return response.title && test(op, *response.title, value);
    case Field::body:
      return test(op, response.body, value);
    case Field::header:
      for (const std::string_view v : response.header_values(header))
        if (test(op, v, value)) return true;
      return false;
    case Field::cookie:
      for (const std::string& name : response.set_cookie_names())
        if (test(op, name, value)) return true;
      return false;
  }
  return false;
}

std::string SslVpnPortalRules::Condition::describe() const {
  static constexpr std::string_view kFields[] = {"status", "location", "title", "body", "header:", "cookie"};
  static constexpr std::string_view kOps[] = {"is", "has", "prefix", "present"};
  std::string out =
      std::string(kFields[static_cast<int>(field)]) + header + " " + std::string(kOps[static_cast<int>(op)]);
  if (op == Op::present) return out;
  if (field == Field::status) return out + " " + value;
  return out + " \"" + value + "\"";
}

Result<SslVpnPortalRules> SslVpnPortalRules::parse(std::string_view text, std::string_view source) {
  SslVpnPortalRules rules;
  std::size_t line_number = 0;
  const auto check_rule = [&](const Rule& rule) -> Result<void> {
    if (rule.confirms.empty())
      return make_input_error(fmt::format("{}: product {} has no confirm line", source, quote_bytes(rule.product)));
    if (rule.hints.empty() != rule.follow.empty())
      return make_input_error(fmt::format("{}: product {} needs both hint and follow lines, or neither", source,
                                          quote_bytes(rule.product)));
    return {};
  };
  while (!text.empty()) {
    ++line_number;
    const std::size_t eol = text.find('\n');
    std::string_view line = trim_blanks(text.substr(0, eol));
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.empty() || line.front() == '#') continue;
    const auto where = [&] { return fmt::format("{}:{}", source, line_number); };
    const std::string_view keyword = take_word(line);
    if (keyword == "product") {
      if (line.empty()) return make_input_error(fmt::format("{}: product without a name", where()));
      if (!rules.rules_.empty())
        if (auto ok = check_rule(rules.rules_.back()); !ok) return ok.error();
      if (rules.rules_.size() == kMaxRules)
        return make_input_error(fmt::format("{}: more than {} products", where(), kMaxRules));
      rules.rules_.push_back(Rule{std::string(line), {}, {}, {}});
      continue;
    }
    if (rules.rules_.empty())
      return make_input_error(fmt::format("{}: {} before the first product line", where(), quote_bytes(keyword)));
    Rule& rule = rules.rules_.back();
    if (keyword == "hint" || keyword == "confirm") {
      auto condition = parse_condition(line);
      if (!condition) return make_input_error(fmt::format("{}: {}", where(), condition.error().message));
      auto& list = keyword == "hint" ? rule.hints : rule.confirms;
      if (rule.hints.size() + rule.confirms.size() == kMaxConditionsPerRule)
        return make_input_error(
            fmt::format("{}: more than {} conditions in one product", where(), kMaxConditionsPerRule));
      list.push_back(std::move(*condition));
    } else if (keyword == "follow") {
      if (!rule.follow.empty()) return make_input_error(fmt::format("{}: a second follow line", where()));
      if (!line.starts_with('/') || !printable_without_space(line) || line.size() > kMaxValueBytes)
        return make_input_error(fmt::format("{}: follow takes an absolute path, got {}", where(), quote_bytes(line)));
      rule.follow = std::string(line);
    } else {
      return make_input_error(
          fmt::format("{}: unknown keyword {} (product, hint, confirm, follow)", where(), quote_bytes(keyword)));
    }
  }
  if (rules.rules_.empty()) return make_input_error(fmt::format("{}: no product", source));
  if (auto ok = check_rule(rules.rules_.back()); !ok) return ok.error();
  return rules;
}

const SslVpnPortalRules& SslVpnPortalRules::built_in() {
  static const SslVpnPortalRules rules = [] {
    auto parsed = parse(embedded::sslvpn_portals_conf, "built-in sslvpn-portals.conf");
    assert(parsed);  // the unit tests parse the same text
    return std::move(*parsed);
  }();
  return rules;
}

std::optional<SslVpnPortalRules::Match> SslVpnPortalRules::confirmed(const HttpResponse& response) const {
  for (const Rule& rule : rules_)
    if (const Condition* c = confirming(rule, response)) return Match{&rule, c};
  return std::nullopt;
}

std::optional<SslVpnPortalRules::Match> SslVpnPortalRules::hinted(const HttpResponse& response) const {
  for (const Rule& rule : rules_)
    for (const Condition& c : rule.hints)
      if (c.matches(response)) return Match{&rule, &c};
  return std::nullopt;
}

const SslVpnPortalRules::Condition* SslVpnPortalRules::confirming(const Rule& rule, const HttpResponse& response) {
  for (const Condition& c : rule.confirms)
    if (c.matches(response)) return &c;
  return nullptr;
}

}  // namespace fumidai::scanner
