#include "fumidai/fingerprints/RecogInputs.h"

#include <array>
#include <optional>
#include <utility>

#include "fumidai/core/Hex.h"

namespace fumidai::fingerprints {

namespace {

struct InputRow {
  std::string_view match_key;
  RecogInput input;
};

constexpr InputRow kInputs[] = {
    {"http_header.server", {"http.server", RecogInputForm::as_is}},
    {"http_header.server", {"cwmp.server", RecogInputForm::as_is}},
    {"http_header.server", {"upnp.server", RecogInputForm::as_is}},
    {"html_title", {"http.title", RecogInputForm::as_is}},
    {"http_header.wwwauth", {"http.www_authenticate", RecogInputForm::as_is}},
    {"http_header.x-powered-by", {"http.headers.x-powered-by", RecogInputForm::as_is}},
    {"http_header.cookie", {"http.cookie_names", RecogInputForm::cookie_name}},
    {"favicon.md5", {"http.favicon.md5", RecogInputForm::as_is}},
    {"ftp.banner", {"ftp.banner", RecogInputForm::as_is}},
    {"ssh.banner", {"ssh.banner", RecogInputForm::ssh_software}},
    // telnet_banners.xml has no matches attribute: Recog keys it by its name.
    {"telnet_banners", {"telnet.banner", RecogInputForm::trimmed}},
    {"telnet.banner", {"telnet.banner", RecogInputForm::trimmed}},
    {"x509.subject", {"tls.subject", RecogInputForm::x509_name}},
    {"x509.issuer", {"tls.issuer", RecogInputForm::x509_name}},
};

bool is_trimmed_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// One attribute of a name: its type as written and its unescaped value.
// Which RDN it belonged to does not matter: Go regroups them by type.
struct Attribute {
  std::string type;
  std::string value;
};

// Our RFC 4514 string → its attributes in the order written; nothing when it
// is not of that form.
std::optional<std::vector<Attribute>> parse_rfc4514(std::string_view text) {
  std::vector<Attribute> out;
  std::size_t i = 0;
  while (i < text.size()) {
    Attribute& a = out.emplace_back();
    const std::size_t equals = text.find('=', i);
    if (equals == std::string_view::npos || equals == i) return std::nullopt;
    a.type = std::string(text.substr(i, equals - i));
    i = equals + 1;
    for (; i < text.size() && text[i] != ',' && text[i] != '+'; ++i) {
      if (text[i] != '\\') {
        a.value += text[i];
        continue;
      }
      if (i + 1 >= text.size()) return std::nullopt;
      const int high = hex_digit_value(text[i + 1]);
      const int low = i + 2 < text.size() ? hex_digit_value(text[i + 2]) : -1;
      if (high >= 0 && low >= 0) {
        a.value += static_cast<char>(high * 16 + low);
        i += 2;
      } else {
        a.value += text[++i];
      }
    }
    if (i < text.size() && ++i == text.size()) return std::nullopt;  // a trailing separator
  }
  return out;
}

// The attribute types Go's pkix.Name turns into fields, in ToRDNSequence's
// order; String() writes them reversed. OpenSSL's short name → Go's.
constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kGoFields = {{
    {"C", "C"},
    {"ST", "ST"},
    {"L", "L"},
    {"street", "STREET"},
    {"postalCode", "POSTALCODE"},
    {"O", "O"},
    {"OU", "OU"},
    {"CN", "CN"},
    {"serialNumber", "SERIALNUMBER"},
}};

// OIDs of the other types OpenSSL names in certificates: Go writes them numerically.
constexpr std::pair<std::string_view, std::string_view> kOids[] = {
    {"emailAddress", "1.2.840.113549.1.9.1"},
    {"unstructuredName", "1.2.840.113549.1.9.2"},
    {"unstructuredAddress", "1.2.840.113549.1.9.8"},
    {"SN", "2.5.4.4"},
    {"title", "2.5.4.12"},
    {"description", "2.5.4.13"},
    {"businessCategory", "2.5.4.15"},
    {"name", "2.5.4.41"},
    {"GN", "2.5.4.42"},
    {"initials", "2.5.4.43"},
    {"generationQualifier", "2.5.4.44"},
    {"x500UniqueIdentifier", "2.5.4.45"},
    {"dnQualifier", "2.5.4.46"},
    {"pseudonym", "2.5.4.65"},
    {"role", "2.5.4.72"},
    {"organizationIdentifier", "2.5.4.97"},
    {"DC", "0.9.2342.19200300.100.1.25"},
    {"UID", "0.9.2342.19200300.100.1.1"},
    {"jurisdictionL", "1.3.6.1.4.1.311.60.2.1.1"},
    {"jurisdictionST", "1.3.6.1.4.1.311.60.2.1.2"},
    {"jurisdictionC", "1.3.6.1.4.1.311.60.2.1.3"},
};

bool is_numeric_oid(std::string_view type) {
  if (type.empty()) return false;
  for (const char c : type)
    if ((c < '0' || c > '9') && c != '.') return false;
  return true;
}

// ASN.1 PrintableString's characters (X.680 41.4), as Go's asn1 tests them
// (no '*', no '&').
bool is_printable_string(std::string_view value) {
  for (const char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' ||
                    c == '\'' || c == '(' || c == ')' || c == '+' || c == ',' || c == '-' || c == '.' || c == '/' ||
                    c == ':' || c == '=' || c == '?';
    if (!ok) return false;
  }
  return true;
}

// "#" and the hex of the value's DER encoding, as Go's asn1.Marshal of a string.
std::string der_hex(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string der;
  der += static_cast<char>(is_printable_string(value) ? 0x13 : 0x0C);
  if (value.size() < 0x80) {
    der += static_cast<char>(value.size());
  } else {
    std::string length;
    for (std::size_t n = value.size(); n != 0; n >>= 8) length.insert(length.begin(), static_cast<char>(n & 0xFF));
    der += static_cast<char>(0x80 | length.size());
    der += length;
  }
  der += value;
  std::string out = "#";
  for (const char c : der) {
    out += kHex[static_cast<unsigned char>(c) >> 4];
    out += kHex[static_cast<unsigned char>(c) & 0xF];
  }
  return out;
}

// Go's escaping in RDNSequence.String().
std::string go_escaped(std::string_view value) {
  std::string out;
  for (std::size_t k = 0; k < value.size(); ++k) {
    const char c = value[k];
    const bool escape = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' ||
                        (c == ' ' && (k == 0 || k + 1 == value.size())) || (c == '#' && k == 0);
    if (escape) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::vector<RecogInput> recog_inputs(std::string_view match_key) {
  std::vector<RecogInput> inputs;
  for (const InputRow& row : kInputs)
    if (row.match_key == match_key) inputs.push_back(row.input);
  return inputs;
}

std::string recog_subject(RecogInputForm form, std::string_view value) {
  switch (form) {
    case RecogInputForm::as_is:
      break;
    case RecogInputForm::ssh_software:
      if (value.starts_with("SSH-")) {
        const std::size_t dash = value.find('-', 4);
        if (dash != std::string_view::npos) value.remove_prefix(dash + 1);
      }
      break;
    case RecogInputForm::trimmed:
      while (!value.empty() && is_trimmed_space(value.front())) value.remove_prefix(1);
      while (!value.empty() && is_trimmed_space(value.back())) value.remove_suffix(1);
      break;
    case RecogInputForm::cookie_name:
      return std::string(value) + "=";
    case RecogInputForm::x509_name:
      return go_distinguished_name(value);
  }
  return std::string(value);
}

std::string go_distinguished_name(std::string_view rfc4514) {
  auto parsed = parse_rfc4514(rfc4514);
  if (!parsed) return std::string(rfc4514);
  // Back to certificate order: we write the last RDN first, and within a
  // multi-valued RDN the last value first.
  std::vector<Attribute> attributes(parsed->rbegin(), parsed->rend());

  std::vector<std::string> rdns;  // in String()'s order
  for (auto field = kGoFields.rbegin(); field != kGoFields.rend(); ++field) {
    std::string rdn;
    const bool single = field->second == "CN" || field->second == "SERIALNUMBER";
    for (const Attribute& a : attributes) {
      if (a.type != field->first) continue;
      const std::string entry = std::string(field->second) + "=" + go_escaped(a.value);
      rdn = single || rdn.empty() ? entry : rdn + "+" + entry;
    }
    if (!rdn.empty()) rdns.push_back(std::move(rdn));
  }
  for (auto a = attributes.rbegin(); a != attributes.rend(); ++a) {
    bool known = false;
    for (const auto& field : kGoFields) known = known || a->type == field.first;
    if (known) continue;
    std::string_view oid;
    for (const auto& [name, number] : kOids)
      if (a->type == name) oid = number;
    if (oid.empty() && is_numeric_oid(a->type)) oid = a->type;
    rdns.push_back(oid.empty() ? a->type + "=" + go_escaped(a->value) : std::string(oid) + "=" + der_hex(a->value));
  }
  std::string out;
  for (const std::string& rdn : rdns) {
    if (!out.empty()) out += ',';
    out += rdn;
  }
  return out;
}

}  // namespace fumidai::fingerprints
