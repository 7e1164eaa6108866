#include "fumidai/mail/SmtpClient.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <exception>
#include <map>
#include <span>
#include <vector>

#include "fumidai/core/AsciiCase.h"
#include "fumidai/mail/Base64.h"
#include "fumidai/mail/MailAddress.h"
#include "fumidai/mail/SmtpReply.h"

namespace fumidai::mail {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using Deadline = std::chrono::steady_clock::time_point;

namespace {

SmtpResult transient(std::string text) { return SmtpResult{SmtpResult::Kind::transient, 0, std::move(text)}; }
SmtpResult permanent(std::string text) { return SmtpResult{SmtpResult::Kind::permanent, 0, std::move(text)}; }

// What a reply means for the message: 4xx transient, 5xx permanent; a reply
// the step did not expect (2xx or 3xx where another was due) is transient.
SmtpResult classify(const SmtpReply& reply) {
  const auto kind = reply.code >= 500 ? SmtpResult::Kind::permanent : SmtpResult::Kind::transient;
  return SmtpResult{kind, reply.code, reply.text()};
}

// CRLF line ends and dot-stuffing (RFC 5321 4.5.2), then the end of data.
std::string data_block(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 64 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') ++i;
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

}  // namespace

// Outcome of a step: nullopt when it went as expected, else the SmtpResult
// that ends the send.
using Outcome = std::optional<SmtpResult>;

struct SmtpClient::Impl {
  explicit Impl(SmtpSettings s) : settings(std::move(s)), socket(io) {}

  SmtpSettings settings;
  asio::io_context io;
  tcp::socket socket;
  std::optional<asio::ssl::context> tls_context;
  std::optional<asio::ssl::stream<tcp::socket&>> tls;
  bool connected = false;
  bool used = false;                              // a transaction ran on this connection: RSET before the next
  std::map<std::string, std::string> extensions;  // EHLO keyword (upper case) -> its parameters
  std::string inbuf;
  SmtpReplyParser parser;

  Deadline deadline() const { return std::chrono::steady_clock::now() + settings.timeout; }

  std::string timeout_text(std::string_view what) const {
    return "timeout after " + std::to_string(settings.timeout.count()) + "ms waiting for " + std::string(what);
  }

  void drop() {
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    tls.reset();
    connected = false;
    used = false;
    inbuf.clear();
    extensions.clear();
  }

  // Runs the operation `start` begins (its handler sets `done`) until it
  // completes or `until`. On timeout `cancel` aborts it (by default closing
  // the socket), the aborted handler runs while everything it refers to is
  // still alive, the connection is dropped and false is returned.
  template <class Start, class Cancel>
  bool run(Start&& start, Deadline until, Cancel&& cancel) {
    bool done = false;
    io.restart();
    start(done);
    io.run_until(until);
    if (done) return true;
    cancel();
    io.restart();
    io.run();
    drop();
    return false;
  }
  template <class Start>
  bool run(Start&& start, Deadline until) {
    return run(std::forward<Start>(start), until, [this] {
      error_code ignored;
      socket.close(ignored);
    });
  }

  Outcome write(std::string_view bytes, std::string_view what, Deadline until) {
    error_code ec;
    const auto start = [&](bool& done) {
      auto handler = [&](const error_code& e, std::size_t) {
        ec = e;
        done = true;
      };
      if (tls)
        asio::async_write(*tls, asio::buffer(bytes), handler);
      else
        asio::async_write(socket, asio::buffer(bytes), handler);
    };
    if (!run(start, until)) return transient(timeout_text(what));
    if (ec) {
      drop();
      return transient("smtp: sending " + std::string(what) + ": " + ec.message());
    }
    return std::nullopt;
  }

  Outcome read_reply(std::string_view what, Deadline until, SmtpReply& reply) {
    parser.reset();
    while (true) {
      if (!inbuf.empty()) {
        const auto consumed = parser.feed(std::span(reinterpret_cast<const std::uint8_t*>(inbuf.data()), inbuf.size()));
        if (!consumed) {
          drop();
          return transient(consumed.error().message + " (waiting for " + std::string(what) + ")");
        }
        inbuf.erase(0, *consumed);
        if (parser.complete()) {
          reply = parser.reply();
          // 421: the relay is closing the connection (RFC 5321 3.8).
          if (reply.code == 421) drop();
          return std::nullopt;
        }
      }
      char buffer[4096];
      std::size_t got = 0;
      error_code ec;
      const auto start = [&](bool& done) {
        auto handler = [&](const error_code& e, std::size_t n) {
          ec = e;
          got = n;
          done = true;
        };
        if (tls)
          tls->async_read_some(asio::buffer(buffer), handler);
        else
          socket.async_read_some(asio::buffer(buffer), handler);
      };
      if (!run(start, until)) return transient(timeout_text(what));
      if (ec) {
        drop();
        return transient("smtp: connection lost waiting for " + std::string(what) + ": " + ec.message());
      }
      inbuf.append(buffer, got);
    }
  }

  // Sends `line` and reads the reply; a reply whose code is not in
  // [expect, expect + 99] ends the send.
  Outcome command(std::string_view line, std::string_view what, int expect, SmtpReply& reply) {
    const Deadline until = deadline();
    if (auto failed = write(std::string(line) + "\r\n", what, until)) return failed;
    if (auto failed = read_reply("the reply to " + std::string(what), until, reply)) return failed;
    if (reply.code < expect || reply.code > expect + 99) return classify(reply);
    return std::nullopt;
  }

  Outcome ehlo() {
    SmtpReply reply;
    extensions.clear();
    auto failed = command("EHLO " + settings.helo_name, "EHLO", 200, reply);
    if (failed && connected && reply.code >= 500) {
      // Not an ESMTP server (RFC 5321 3.2): plain HELO, no extensions.
      return command("HELO " + settings.helo_name, "HELO", 200, reply);
    }
    if (failed) return failed;
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
      const std::string& line = reply.lines[i];
      const std::size_t space = line.find(' ');
      extensions[ascii_lower(line.substr(0, space))] = space == std::string::npos ? "" : line.substr(space + 1);
    }
    return std::nullopt;
  }

  Outcome start_tls() {
    SmtpReply reply;
    if (auto failed = command("STARTTLS", "STARTTLS", 220, reply)) return failed;
    // Bytes the relay sent after its 220 were sent in the clear and could be
    // an attacker's (CVE-2011-0411 and kin): never read them as TLS replies.
    inbuf.clear();
    if (!tls_context) {
      tls_context.emplace(asio::ssl::context::tls_client);
      tls_context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                               asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                               asio::ssl::context::no_tlsv1_1);
      error_code ec;
      if (settings.verify_certificate) {
        if (settings.ca_file.empty())
          tls_context->set_default_verify_paths(ec);
        else
          tls_context->load_verify_file(settings.ca_file, ec);
        if (ec) {
          tls_context.reset();
          drop();
          return transient("smtp: loading the CA file \"" + settings.ca_file + "\": " + ec.message());
        }
        tls_context->set_verify_mode(asio::ssl::verify_peer);
      } else {
        tls_context->set_verify_mode(asio::ssl::verify_none);
      }
    }
    tls.emplace(socket, *tls_context);
    if (settings.verify_certificate) tls->set_verify_callback(asio::ssl::host_name_verification(settings.host));
    error_code not_address;
    asio::ip::make_address(settings.host, not_address);
    if (not_address) SSL_set_tlsext_host_name(tls->native_handle(), settings.host.c_str());
    error_code ec;
    const auto start = [&](bool& done) {
      tls->async_handshake(asio::ssl::stream_base::client, [&](const error_code& e) {
        ec = e;
        done = true;
      });
    };
    if (!run(start, deadline())) return transient(timeout_text("the TLS handshake"));
    if (ec) {
      std::string text = "smtp: TLS handshake with " + settings.host + ":" + std::to_string(settings.port) +
                         " failed: " + ec.message();
      if (const long verify = SSL_get_verify_result(tls->native_handle()); verify != X509_V_OK)
        text += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
      drop();
      return transient(std::move(text));
    }
    return ehlo();
  }

  Outcome authenticate() {
    if (!tls)
      return permanent("smtp: refusing to send credentials to " + settings.host +
                       " over a connection without TLS (the relay did not offer STARTTLS or TLS is off)");
    const auto mechanisms = " " + ascii_lower(extensions.count("auth") ? extensions["auth"] : "") + " ";
    SmtpReply reply;
    if (mechanisms.find(" plain ") != std::string::npos) {
      const std::string token = std::string(1, '\0') + *settings.username + '\0' + *settings.password;
      return command("AUTH PLAIN " + base64_encode(token), "AUTH PLAIN", 200, reply);
    }
    if (mechanisms.find(" login ") != std::string::npos) {
      if (auto failed = command("AUTH LOGIN", "AUTH LOGIN", 300, reply)) return failed;
      if (auto failed = command(base64_encode(*settings.username), "the AUTH LOGIN user name", 300, reply))
        return failed;
      return command(base64_encode(*settings.password), "the AUTH LOGIN password", 200, reply);
    }
    return permanent("smtp: " + settings.host + " offers neither AUTH PLAIN nor AUTH LOGIN");
  }

  Outcome connect() {
    drop();
    const Deadline until = deadline();
    const std::string where = settings.host + ":" + std::to_string(settings.port);
    std::vector<tcp::endpoint> endpoints;
    error_code ec;
    if (const auto address = asio::ip::make_address(settings.host, ec); !ec) {
      endpoints.emplace_back(address, settings.port);
    } else {
      // A name: getaddrinfo cannot be interrupted, so a timeout here waits
      // for the resolver's own (resolv.conf's) limits before returning.
      tcp::resolver resolver(io);
      const auto resolve = [&](bool& done) {
        resolver.async_resolve(settings.host, std::to_string(settings.port),
                               [&](const error_code& e, const tcp::resolver::results_type& results) {
                                 ec = e;
                                 for (const auto& entry : results) endpoints.push_back(entry.endpoint());
                                 done = true;
                               });
      };
      if (!run(resolve, until, [&] { resolver.cancel(); }))
        return transient(timeout_text("resolving " + settings.host));
      if (ec) return transient("smtp: resolving " + settings.host + ": " + ec.message());
    }
    const auto open = [&](bool& done) {
      asio::async_connect(socket, endpoints, [&](const error_code& e, const tcp::endpoint&) {
        ec = e;
        done = true;
      });
    };
    if (!run(open, until)) return transient(timeout_text("the connection to " + where));
    if (ec) {
      drop();
      return transient("smtp: connecting to " + where + ": " + ec.message());
    }
    connected = true;
    SmtpReply greeting;
    if (auto failed = read_reply("the greeting", deadline(), greeting)) return failed;
    if (greeting.code != 220) {
      drop();
      return classify(greeting);
    }
    if (auto failed = ehlo()) return failed;
    if (settings.tls != SmtpSettings::Tls::none) {
      if (extensions.count("starttls")) {
        if (auto failed = start_tls()) return failed;
      } else if (settings.tls == SmtpSettings::Tls::required) {
        return permanent("smtp: " + where + " does not offer STARTTLS and the settings require TLS");
      }
    }
    if (settings.username && settings.password)
      if (auto failed = authenticate()) return failed;
    return std::nullopt;
  }

  SmtpResult send(std::string_view from, std::string_view to, std::string_view message) {
    if (!from.empty())
      if (auto parsed = MailAddress::parse(from); !parsed)
        return permanent("envelope sender: " + parsed.error().message);
    if (auto parsed = MailAddress::parse(to); !parsed)
      return permanent("envelope recipient: " + parsed.error().message);
    SmtpReply reply;
    if (connected && used) {
      // The relay may have closed an idle connection: then start afresh.
      if (command("RSET", "RSET", 200, reply)) drop();
    }
    if (!connected) {
      if (auto failed = connect()) {
        drop();
        return *failed;
      }
    }
    used = true;
    if (auto failed = command("MAIL FROM:<" + std::string(from) + ">", "MAIL FROM", 200, reply)) return *failed;
    if (auto failed = command("RCPT TO:<" + std::string(to) + ">", "RCPT TO", 200, reply)) return *failed;
    if (auto failed = command("DATA", "DATA", 300, reply)) return *failed;
    const Deadline until = deadline();
    if (auto failed = write(data_block(message), "the message", until)) return *failed;
    if (auto failed = read_reply("the reply to the message", until, reply)) return *failed;
    if (reply.code < 200 || reply.code > 299) return classify(reply);
    return SmtpResult{SmtpResult::Kind::sent, reply.code, reply.text()};
  }

  void quit() {
    if (!connected) return;
    SmtpReply reply;
    command("QUIT", "QUIT", 200, reply);
    drop();
  }
};

SmtpClient::SmtpClient(SmtpSettings settings) : impl_(std::make_unique<Impl>(std::move(settings))) {}

SmtpClient::~SmtpClient() { close(); }

SmtpResult SmtpClient::send(std::string_view envelope_from, std::string_view envelope_to, std::string_view message) {
  try {
    return impl_->send(envelope_from, envelope_to, message);
  } catch (const std::exception& e) {
    // Asio and OpenSSL report resource exhaustion by exception; keep the promise.
    impl_->drop();
    return transient(std::string("smtp: ") + e.what());
  }
}

void SmtpClient::close() {
  try {
    impl_->quit();
  } catch (const std::exception&) {
    impl_->drop();
  }
}

}  // namespace fumidai::mail
