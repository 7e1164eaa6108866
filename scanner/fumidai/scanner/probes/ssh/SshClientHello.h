#pragma once
// Our side of the SSH exchange before key exchange: the bytes a probe sends on
// connect. RFC 4253, 4.2 makes both sides send an identification string; a
// server sends its KEXINIT as soon as it has ours, without waiting for our
// KEXINIT (OpenSSH does), so sending a KEXINIT too is optional; it is there
// for servers that wait for it, and offers what common servers support so
// that they answer instead of disconnecting. Pure functions, any thread.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/probes/ssh/SshServerHello.h"

namespace fumidai::scanner {

// Names the scanner honestly, so that operators see who knocked.
inline constexpr std::string_view kSshDefaultSoftwareVersion = "fumidai";

// "SSH-2.0-<software_version>[ <comments>]\r\n". The software version must be
// printable US-ASCII without spaces or '-', comments printable US-ASCII, and
// the whole line at most 255 bytes (RFC 4253, 4.2): an input error otherwise.
Result<std::string> make_ssh_identification(std::string_view software_version, std::string_view comments = {});

// A KEXINIT offering widely deployed algorithms, modern ones first.
SshKexInit default_ssh_kex_offer(const std::array<std::uint8_t, 16>& cookie);

// `offer` as SSH_MSG_KEXINIT in an unencrypted binary packet (RFC 4253, 6),
// ready to send after the identification string. An input error when a name
// is empty, longer than 64 bytes or not printable US-ASCII without commas
// (RFC 4251, 6), or when the packet would be over 35000 bytes.
Result<std::vector<std::uint8_t>> build_ssh_kex_init_packet(const SshKexInit& offer);

}  // namespace fumidai::scanner
