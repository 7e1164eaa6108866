#include "fumidai/scanner/probes/ssh/SshClientHello.h"

#include <algorithm>

#include "fumidai/scanner/packet/ByteOrder.h"
#include "fumidai/scanner/probes/ssh/SshBannerParser.h"
#include "fumidai/scanner/probes/text/SafeText.h"

namespace fumidai::scanner {

namespace {

constexpr std::uint8_t kMsgKexInit = 20;
constexpr std::size_t kMaxNameBytes = 64;  // RFC 4251, 6

bool printable(char c) { return c >= 0x20 && c < 0x7F; }

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  out.resize(out.size() + 4);
  put32(out.data() + out.size() - 4, value);
}

}  // namespace

Result<std::string> make_ssh_identification(std::string_view software_version, std::string_view comments) {
  const bool software_ok =
      !software_version.empty() && std::all_of(software_version.begin(), software_version.end(),
                                               [](char c) { return printable(c) && c != ' ' && c != '-'; });
  if (!software_ok)
    return make_input_error("ssh: software version " + quote_bytes(software_version) +
                            " must be printable US-ASCII without spaces or '-'");
  if (!std::all_of(comments.begin(), comments.end(), printable))
    return make_input_error("ssh: identification comments " + quote_bytes(comments) + " must be printable US-ASCII");
  std::string line = "SSH-2.0-" + std::string(software_version);
  if (!comments.empty()) line += " " + std::string(comments);
  line += "\r\n";
  if (line.size() > SshBannerParser::kRfcMaxIdentificationBytes)
    return make_input_error("ssh: identification string is " + std::to_string(line.size()) + " bytes, over " +
                            std::to_string(SshBannerParser::kRfcMaxIdentificationBytes));
  return line;
}

SshKexInit default_ssh_kex_offer(const std::array<std::uint8_t, 16>& cookie) {
  SshKexInit offer;
  offer.cookie = cookie;
  offer.kex_algorithms = {"curve25519-sha256",
                          "curve25519-sha256@libssh.org",
                          "ecdh-sha2-nistp256",
                          "ecdh-sha2-nistp384",
                          "ecdh-sha2-nistp521",
                          "diffie-hellman-group-exchange-sha256",
                          "diffie-hellman-group16-sha512",
                          "diffie-hellman-group18-sha512",
                          "diffie-hellman-group14-sha256",
                          "diffie-hellman-group14-sha1",
                          "diffie-hellman-group1-sha1",
                          "diffie-hellman-group-exchange-sha1"};
  offer.server_host_key_algorithms = {"ssh-ed25519",
                                      "ecdsa-sha2-nistp256",
                                      "ecdsa-sha2-nistp384",
                                      "ecdsa-sha2-nistp521",
                                      "rsa-sha2-512",
                                      "rsa-sha2-256",
                                      "ssh-rsa",
                                      "ssh-dss"};
  const std::vector<std::string> ciphers = {
      "chacha20-poly1305@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr", "aes128-gcm@openssh.com",
      "aes256-gcm@openssh.com",        "aes128-cbc", "aes256-cbc", "3des-cbc"};
  const std::vector<std::string> macs = {"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com",
                                         "hmac-sha2-256", "hmac-sha2-512", "hmac-sha1"};
  // zlib too: a server configured for compression only would otherwise refuse.
  const std::vector<std::string> compression = {"none", "zlib@openssh.com", "zlib"};
  offer.encryption_algorithms_client_to_server = offer.encryption_algorithms_server_to_client = ciphers;
  offer.mac_algorithms_client_to_server = offer.mac_algorithms_server_to_client = macs;
  offer.compression_algorithms_client_to_server = offer.compression_algorithms_server_to_client = compression;
  return offer;
}

Result<std::vector<std::uint8_t>> build_ssh_kex_init_packet(const SshKexInit& offer) {
  std::vector<std::uint8_t> packet;
  packet.reserve(2048);  // what the default offer needs
  packet.resize(5);      // packet_length and padding_length, filled in below
  packet.push_back(kMsgKexInit);
  packet.insert(packet.end(), offer.cookie.begin(), offer.cookie.end());
  const auto lists = offer.name_lists();
  for (std::size_t i = 0; i < lists.size(); ++i) {
    std::string joined;
    for (const std::string& name : *lists[i]) {
      const bool ok = !name.empty() && name.size() <= kMaxNameBytes &&
                      std::all_of(name.begin(), name.end(), [](char c) { return printable(c) && c != ','; });
      if (!ok)
        return make_input_error(std::string("ssh: ") + SshKexInit::kNameListNames[i] + " holds " + quote_bytes(name) +
                                ", not an algorithm name");
      if (!joined.empty()) joined += ',';
      joined += name;
    }
    if (joined.size() > SshBannerParser::kMaxPacketLength)
      return make_input_error(std::string("ssh: ") + SshKexInit::kNameListNames[i] + " is too long");
    put_u32(packet, static_cast<std::uint32_t>(joined.size()));
    packet.insert(packet.end(), joined.begin(), joined.end());
  }
  packet.push_back(offer.first_kex_packet_follows ? 1 : 0);
  put_u32(packet, 0);  // reserved
  // Pad to a multiple of 8 (the block size while no cipher is in use) with at
  // least 4 bytes. RFC 4253 asks for random padding; before encryption starts
  // it hides nothing, so zeros keep the packet reproducible.
  std::size_t padding = 8 - packet.size() % 8;
  if (padding < 4) padding += 8;
  packet.resize(packet.size() + padding, 0);
  if (packet.size() - 4 > SshBannerParser::kMaxPacketLength)
    return make_input_error("ssh: KEXINIT would be " + std::to_string(packet.size()) + " bytes, over the limit");
  put32(packet.data(), static_cast<std::uint32_t>(packet.size() - 4));
  packet[4] = static_cast<std::uint8_t>(padding);
  return packet;
}

}  // namespace fumidai::scanner
