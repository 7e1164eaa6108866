#pragma once
// What an SSH server says before any key exchange (RFC 4253, 4.2 and 7.1):
// its identification string and its first binary packet. Plain data; strings
// hold the server's raw bytes (pass them through json_safe_text() for output).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fumidai::scanner {

// SSH_MSG_KEXINIT: the algorithms a side supports, most preferred first.
struct SshKexInit {
  std::array<std::uint8_t, 16> cookie{};
  std::vector<std::string> kex_algorithms;
  std::vector<std::string> server_host_key_algorithms;
  std::vector<std::string> encryption_algorithms_client_to_server;
  std::vector<std::string> encryption_algorithms_server_to_client;
  std::vector<std::string> mac_algorithms_client_to_server;
  std::vector<std::string> mac_algorithms_server_to_client;
  std::vector<std::string> compression_algorithms_client_to_server;
  std::vector<std::string> compression_algorithms_server_to_client;
  std::vector<std::string> languages_client_to_server;
  std::vector<std::string> languages_server_to_client;
  bool first_kex_packet_follows = false;

  // The ten name-lists in wire order, for code that handles them alike.
  std::array<std::vector<std::string>*, 10> name_lists() { return name_lists_of<std::vector<std::string>>(*this); }
  std::array<const std::vector<std::string>*, 10> name_lists() const {
    return name_lists_of<const std::vector<std::string>>(*this);
  }
  static constexpr std::array<const char*, 10> kNameListNames = {"kex_algorithms",
                                                                 "server_host_key_algorithms",
                                                                 "encryption_algorithms_client_to_server",
                                                                 "encryption_algorithms_server_to_client",
                                                                 "mac_algorithms_client_to_server",
                                                                 "mac_algorithms_server_to_client",
                                                                 "compression_algorithms_client_to_server",
                                                                 "compression_algorithms_server_to_client",
                                                                 "languages_client_to_server",
                                                                 "languages_server_to_client"};

  bool operator==(const SshKexInit&) const = default;

 private:
  template <class List, class Self>
  static std::array<List*, 10> name_lists_of(Self& k) {
    return {&k.kex_algorithms,
            &k.server_host_key_algorithms,
            &k.encryption_algorithms_client_to_server,
            &k.encryption_algorithms_server_to_client,
            &k.mac_algorithms_client_to_server,
            &k.mac_algorithms_server_to_client,
            &k.compression_algorithms_client_to_server,
            &k.compression_algorithms_server_to_client,
            &k.languages_client_to_server,
            &k.languages_server_to_client};
  }
};

// SSH_MSG_DISCONNECT, which busy or refusing servers send instead of KEXINIT.
struct SshDisconnect {
  std::uint32_t reason_code = 0;
  std::string description;
  bool operator==(const SshDisconnect&) const = default;
};

struct SshServerHello {
  std::vector<std::string> preamble;     // lines before the identification string, without line ends
  std::string protocol_version;          // "2.0", "1.99", ...
  std::string software_version;          // "OpenSSH_9.2p1"
  std::string comments;                  // after the first space; empty if none
  bool identification_too_long = false;  // over RFC 4253's 255 bytes (CR LF included), accepted anyway
  // The first message other than IGNORE/DEBUG, and what it said when it is
  // one of the two a server sends first.
  std::optional<std::uint8_t> first_message_type;
  std::optional<SshKexInit> kex_init;
  std::optional<SshDisconnect> disconnect;
  bool operator==(const SshServerHello&) const = default;
};

}  // namespace fumidai::scanner
