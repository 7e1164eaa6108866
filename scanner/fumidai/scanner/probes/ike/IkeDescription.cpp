#include "fumidai/scanner/probes/ike/IkeDescription.h"

#include <fmt/format.h>

#include "fumidai/core/Hex.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {
namespace {

namespace json = boost::json;

// IKEv2: one transform of each type (a responder returns exactly one).
json::object v2_choice(const IkeProposal& proposal) {
  json::object o;
  for (const IkeTransform& t : proposal.transforms) {
    const std::string key = ikev2::transform_type_name(t.type);
    if (o.contains(key)) continue;
    o[key] = ikev2::transform_name(t.type, t.id, t.attribute(ikev2::kAttrKeyLength).value_or(0));
  }
  return o;
}

// IKEv1: the attributes of the chosen transform.
json::object v1_choice(const IkeTransform& t) {
  json::object o;
  if (const auto id = t.attribute(ikev1::kAttrEncryption))
    o["encryption"] = ikev1::encryption_name(*id, t.attribute(ikev1::kAttrKeyLength).value_or(0));
  if (const auto id = t.attribute(ikev1::kAttrHash)) o["hash"] = ikev1::hash_name(*id);
  if (const auto id = t.attribute(ikev1::kAttrAuthMethod)) o["auth"] = ikev1::auth_method_name(*id);
  if (const auto id = t.attribute(ikev1::kAttrGroup)) o["dh_group"] = dh_group_name(*id);
  // Life type and duration come in pairs, a duration after its type.
  std::optional<std::uint64_t> life_type;
  for (const IkeAttribute& a : t.attributes) {
    if (a.type == ikev1::kAttrLifeType) life_type = a.value;
    if (a.type != ikev1::kAttrLifeDuration || !a.value || !life_type) continue;
    if (*life_type == ikev1::kLifeSeconds) o["lifetime_seconds"] = *a.value;
    if (*life_type == ikev1::kLifeKilobytes) o["lifetime_kilobytes"] = *a.value;
  }
  return o;
}

bool described(int major, std::uint8_t type) {
  if (major == 1)
    return type == ikev1::kPayloadSa || type == ikev1::kPayloadKe || type == ikev1::kPayloadNonce ||
           type == ikev1::kPayloadNotify || type == ikev1::kPayloadVendorId || type == ikev1::kPayloadCertReq;
  return type == ikev2::kPayloadSa || type == ikev2::kPayloadKe || type == ikev2::kPayloadNonce ||
         type == ikev2::kPayloadNotify || type == ikev2::kPayloadVendorId || type == ikev2::kPayloadCertReq;
}

}  // namespace

json::object describe_ike_message(const IkeMessage& m) {
  json::object o;
  if (m.header_complete) {
    const IkeHeader& h = m.header;
    const int major = h.major_version();
    o["version"] = fmt::format("{}.{}", major, h.version & 0x0f);
    o["exchange"] = major == 1 ? ikev1::exchange_name(h.exchange) : ikev2::exchange_name(h.exchange);
    o["responder_spi"] = to_hex(std::span(h.responder_spi.data(), kIkeSpiBytes));
    if (!m.proposals.empty()) {
      const IkeProposal& chosen = m.proposals.front();
      if (major == 2)
        o["proposal"] = v2_choice(chosen);
      else if (!chosen.transforms.empty())
        o["proposal"] = v1_choice(chosen.transforms.front());
    }
    if (m.ke_group) o["ke_group"] = dh_group_name(*m.ke_group);
    if (m.ke_length) o["ke_length"] = *m.ke_length;
    if (m.nonce_length) o["nonce_length"] = *m.nonce_length;
    if (!m.notifies.empty()) {
      json::array notifies;
      for (const IkeNotify& n : m.notifies) {
        json::object entry{{"type", n.type}};
        const std::string name = major == 1 ? ikev1::notify_name(n.type) : ikev2::notify_name(n.type);
        if (!name.empty()) entry["name"] = name;
        if (n.data_length > 0) entry["data_length"] = n.data_length;
        notifies.push_back(std::move(entry));
      }
      o["notifies"] = std::move(notifies);
    }
    if (!m.certificate_request_encodings.empty()) {
      json::array encodings;
      for (const std::uint8_t e : m.certificate_request_encodings) encodings.push_back(e);
      o["certificate_request_encodings"] = std::move(encodings);
    }
    json::array other;
    for (const IkePayloadInfo& p : m.payloads)
      if (!described(major, p.type)) other.push_back(json::object{{"type", p.type}, {"length", p.length}});
    if (!other.empty()) o["other_payloads"] = std::move(other);
    if (m.encrypted) o["encrypted"] = true;
  }
  if (m.error) o["error"] = json_safe_text(*m.error);
  return o;
}

void add_ike_vendor_ids(const IkeMessage& message, const IkeVendorIds& names, json::array& out) {
  for (const std::string& vid : message.vendor_ids) {
    const std::string h = to_hex(vid);
    bool seen = false;
    for (const json::value& v : out) seen = seen || v.as_object().at("hex").as_string() == h;
    if (seen) continue;
    json::object entry{{"hex", h}};
    if (const std::string_view name = names.name(vid); !name.empty()) entry["name"] = json_safe_text(name);
    out.push_back(std::move(entry));
  }
}

}  // namespace fumidai::scanner
