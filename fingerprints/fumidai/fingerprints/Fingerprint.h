#pragma once
// One named thing in one service record: a router model, an admin panel, a VPN
// server, a proxy. The JSON form is in fingerprints/README.md.
// Contract: a plain value.
#include <boost/json/object.hpp>
#include <string>
#include <utility>
#include <vector>

namespace fumidai::fingerprints {

struct Fingerprint {
  std::string id;        // the rule's id ("tplink-archer-c7", "recog:http_servers:57")
  std::string source;    // "fumidai" or "recog:FILE.xml"
  std::string category;  // router | admin-panel | vpn | proxy | remote-access | other
  std::string vendor;
  std::string product;
  std::string version;
  std::string device;
  std::string cpe;
  int confidence = 0;  // 1..100
  std::vector<std::string> tags;
  // Further named values a source knows (Recog's os.*, service.*, hw.* params).
  std::vector<std::pair<std::string, std::string>> attributes;
  // Set by the end-of-life list (fingerprints/eol.yaml) when the model is past it.
  std::string eol_date;
  std::string eol_source;

  // Empty strings, empty lists and a zero confidence are left out.
  boost::json::object to_json() const;
};

}  // namespace fumidai::fingerprints
