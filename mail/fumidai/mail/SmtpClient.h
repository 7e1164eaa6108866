#pragma once
// A blocking SMTP client (RFC 5321) for one relay: greeting, EHLO (HELO
// fallback), STARTTLS (RFC 3207) per the policy then EHLO again, AUTH PLAIN or
// LOGIN (RFC 4954) only over TLS, then MAIL FROM, RCPT TO and DATA with
// dot-stuffing. One connection is reused across send() calls (RSET between
// them), and re-opened when the relay has dropped it.
//
// Every step (resolve, connect, each command and its reply, the TLS
// handshake, the message) must finish within `timeout`; a slow relay is a
// transient failure "timeout after ...ms waiting for ...". Replies 2xx are
// sent, 4xx transient, 5xx permanent, with the reply kept ("550 5.1.1 <x>:
// no such user"); connection refused or reset and TLS failures are transient
// with the error's text. Credentials are never sent over plain text: that is
// a permanent failure saying so.
//
// Contract: blocking; one thread at a time; no exception escapes. Timeouts
// run on Asio's steady clock (the network's real time), not an injected
// Clock. close() (also run by the destructor) sends QUIT.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fumidai::mail {

struct SmtpSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 25;
  enum class Tls {
    opportunistic,  // STARTTLS when offered
    required,       // STARTTLS or fail (permanent: the relay does not offer it)
    none
  } tls = Tls::opportunistic;
  std::optional<std::string> username, password;  // AUTH only when both are set, only over TLS
  bool verify_certificate = true;                 // chain and host name (or IP address)
  std::string ca_file;                            // PEM; empty: the system's trust store
  std::string helo_name = "localhost";
  std::chrono::milliseconds timeout{30000};  // per step
};

struct SmtpResult {
  enum class Kind { sent, transient, permanent } kind;
  int code = 0;       // the relay's reply code; 0 when the failure was not a reply
  std::string reply;  // the reply's text (SmtpReply::text()) or the error's
};

class SmtpClient {
 public:
  explicit SmtpClient(SmtpSettings settings);
  ~SmtpClient();
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // One message to one recipient. `envelope_from` may be empty (the null
  // reverse-path "<>"); both addresses must pass MailAddress::parse (else a
  // permanent failure: no command is sent). `message` is RFC 5322 text; its
  // line ends are sent as CRLF and lines starting "." are dot-stuffed.
  SmtpResult send(std::string_view envelope_from, std::string_view envelope_to, std::string_view message);

  // QUIT and close the connection, if there is one; the next send() reconnects.
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fumidai::mail
