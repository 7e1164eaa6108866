#pragma once
// One rule of the YAML database (fingerprints/README.md, "Rule files"), as
// RuleFileParser read it.
//
// Contract: a value, immutable once the database holds it; output() is
// thread-safe.
#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fumidai/fingerprints/Condition.h"
#include "fumidai/fingerprints/FieldSet.h"
#include "fumidai/fingerprints/Fingerprint.h"
#include "fumidai/fingerprints/OutputTemplate.h"

namespace fumidai::fingerprints {

struct Rule {
  struct Example {
    int line = 0;
    FieldSet fields;
    std::vector<std::pair<std::string, std::string>> expect;  // key (vendor, product, …) → value
  };

  static constexpr int kDefaultPriority = 50;
  static constexpr std::array<std::string_view, 6> kCategories = {"router", "admin-panel",   "vpn",
                                                                  "proxy",  "remote-access", "other"};
  static constexpr std::array<std::string_view, 10> kDevices = {"router", "wap",    "modem",       "ont",   "firewall",
                                                                "nas",    "camera", "vpn-gateway", "proxy", "server"};

  std::string id;
  std::string category;
  std::size_t category_index = 0;  // into kCategories
  std::string file;
  int line = 0;
  OutputTemplate vendor;
  OutputTemplate product;
  OutputTemplate version;
  OutputTemplate device;
  OutputTemplate cpe;
  int confidence = 0;
  int priority = kDefaultPriority;
  std::vector<std::string> tags;
  Condition condition;
  std::vector<Example> examples;

  // The fingerprint of a match with these captures.
  Fingerprint output(const CaptureList& captures) const;
};

}  // namespace fumidai::fingerprints
