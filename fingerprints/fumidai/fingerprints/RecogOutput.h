#pragma once
// A Recog match as one of our fingerprints (fingerprints/README.md):
// - id "recog:FILESTEM:N" (N: the fingerprint's 1-based place in its file),
//   source "recog:FILE.xml";
// - vendor, product (else family), version and cpe from the first of hw.*,
//   os.*, service.* that names a vendor, product or family; the CPE turned
//   from Recog's URI form ("cpe:/a:…", despite the name cpe23) into CPE 2.3;
// - device from hw.device (else os.device) in our words: router, wap, modem,
//   firewall, nas, camera, vpn-gateway; other kinds stay only in attributes;
// - category: vpn when service.product/family or the device names a VPN;
//   proxy when the service is forward-proxy software (Squid, Tinyproxy,
//   CCProxy …); router when the device is Router, Broadband Router, WAP,
//   Wireless Access Point, a DSL or cable modem, or Firewall; else other;
// - confidence: 100 × the chosen namespace's certainty param, else the
//   fingerprint's certainty attribute, else 100;
// - attributes: every param that has a value, under Recog's names.
// Pure functions, safe from any thread.
#include <optional>
#include <string>
#include <string_view>

#include "fumidai/fingerprints/Fingerprint.h"
#include "fumidai/fingerprints/RecogFile.h"

namespace fumidai::fingerprints {

// Nothing when the match names no vendor, product or family, or gives it a
// certainty of 0: Recog's "assert nothing" entries, which only keep generic
// inputs from later, wrong matches.
std::optional<Fingerprint> recog_fingerprint(const RecogFile& file, std::size_t index,
                                             const RecogFingerprint::Values& values);

// "cpe:/a:vendor:product:1.0" → "cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*"
// (NIST IR 7695: unbind the URI, bind as a formatted string). Anything not
// in the URI form is returned as it is.
std::string cpe23_from_uri(std::string_view uri);

}  // namespace fumidai::fingerprints
