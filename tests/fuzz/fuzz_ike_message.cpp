// Fuzz target: one datagram from an IKE server (after any non-ESP marker).
//
// 1. parse_ike_message stays inside its documented limits whatever the
//    input: payload, proposal, transform and attribute counts, vendor ID and
//    notify data sizes; a message without error has a length field that fits
//    the datagram and payloads that fit the length.
// 2. It is a function of the bytes alone: parsing again gives the same.
// 3. describe_ike_message and ike::describe turn any of it into JSON that
//    serialises, and ike::answers only takes datagrams that hold a header.
#include <boost/json/serialize.hpp>
#include <cstddef>
#include <cstdint>
#include <span>

#include "FuzzCheck.h"
#include "fumidai/scanner/probes/ike/IkeCodec.h"
#include "fumidai/scanner/probes/ike/IkeDescription.h"
#include "fumidai/scanner/probes/ike/IkeMessageParser.h"

using namespace fumidai::scanner;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  const IkeMessage m = parse_ike_message(input);

  // 1. Limits.
  FUZZ_CHECK(m.header_complete == (size >= kIkeHeaderBytes));
  FUZZ_CHECK(m.header_complete || m.error);
  FUZZ_CHECK(m.payloads.size() <= kIkeMaxPayloads);
  FUZZ_CHECK(m.proposals.size() <= kIkeMaxProposals);
  for (const IkeProposal& p : m.proposals) {
    FUZZ_CHECK(p.transforms.size() <= kIkeMaxTransforms);
    for (const IkeTransform& t : p.transforms) FUZZ_CHECK(t.attributes.size() <= kIkeMaxAttributes);
  }
  for (const std::string& vid : m.vendor_ids) FUZZ_CHECK(vid.size() <= kIkeMaxVendorIdBytes);
  for (const IkeNotify& n : m.notifies) {
    FUZZ_CHECK(n.data.size() <= kIkeMaxNotifyDataBytes);
    FUZZ_CHECK(n.data.size() <= n.data_length);
  }
  if (!m.error) {
    FUZZ_CHECK(m.header.length >= kIkeHeaderBytes && m.header.length <= size);
    std::size_t payload_bytes = 0;
    for (const IkePayloadInfo& p : m.payloads) {
      FUZZ_CHECK(p.length >= 4);
      payload_bytes += p.length;
    }
    FUZZ_CHECK(payload_bytes <= m.header.length - kIkeHeaderBytes);
  }

  // 2. Deterministic.
  FUZZ_CHECK(parse_ike_message(input) == m);

  // 3. Descriptions and the answer check.
  (void)boost::json::serialize(describe_ike_message(m));
  (void)boost::json::serialize(ike::describe(input));
  if (size >= 8 && ike::answers(input, input.first<8>())) FUZZ_CHECK(size >= kIkeHeaderBytes);
  return 0;
}
