#pragma once
// Which of our record fields (fingerprints/README.md) each Recog database
// reads, and how a field's value is put into the form Recog's patterns and
// examples expect. Databases for data we never collect (SMTP, SNMP, SIP,
// JARM …) have no inputs: they load, but never match a record.
//
//   Recog match key        our field                         form
//   http_header.server     http.server, cwmp.server,         as is (the Server header of the
//                          upnp.server                       page, of the CWMP port, and SSDP's
//                                                            SERVER, which devices fill alike)
//   html_title             http.title                        as is
//   http_header.wwwauth    http.www_authenticate             as is
//   http_header.x-powered-by  http.headers.x-powered-by      as is
//   http_header.cookie     http.cookie_names                 cookie_name
//   favicon.md5            http.favicon.md5                  as is
//   ftp.banner             ftp.banner                        as is (both without the reply code)
//   ssh.banner             ssh.banner                        ssh_software
//   telnet_banners         telnet.banner                     trimmed
//   x509.subject           tls.subject                       x509_name
//   x509.issuer            tls.issuer                        x509_name
//
// Pure functions, safe from any thread.
#include <string>
#include <string_view>
#include <vector>

namespace fumidai::fingerprints {

enum class RecogInputForm {
  as_is,
  // "SSH-2.0-OpenSSH_9.2p1 Debian-2" → "OpenSSH_9.2p1 Debian-2": Recog matches
  // what follows "SSH-x.x-".
  ssh_software,
  // CR, LF, tabs and spaces trimmed from both ends, as telnet_banners.xml says.
  trimmed,
  // "SESSIONID" → "SESSIONID=": records keep cookie names, never values (they
  // are secrets), so patterns that look past the name cannot match.
  cookie_name,
  // Our RFC 4514 name → the form Recog's examples use, Go's
  // pkix.Name.String() (see go_distinguished_name).
  x509_name,
};

struct RecogInput {
  std::string_view field;
  RecogInputForm form;
};

// Every field the database with this match key reads; none for the others.
std::vector<RecogInput> recog_inputs(std::string_view match_key);

// `value` of a field in the form a Recog pattern reads.
std::string recog_subject(RecogInputForm form, std::string_view value);

// A distinguished name as fumidai writes it (RFC 4514 as OpenSSL names the
// attributes: last RDN first, "\," and "\0A" escapes) → as Go's
// crypto/x509/pkix Name.String() writes the same certificate's name, which
// Recog's x509 examples are: SERIALNUMBER, CN, OU, O, POSTALCODE, STREET, L,
// ST, C in that order (every value of one type joined by '+' in one RDN, one
// CN and one SERIALNUMBER: the last), then the other attributes in reverse
// certificate order as OID=#hex of their DER string (UTF8String, or
// PrintableString when the value allows it).
// Left as they are: attribute types whose OID this code does not know (they
// keep OpenSSL's short name) and names that are not RFC 4514.
std::string go_distinguished_name(std::string_view rfc4514);

}  // namespace fumidai::fingerprints
