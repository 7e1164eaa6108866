// SmtpClient against a real SMTP server: Debian's aiosmtpd (smtp_sink.py) on
// 127.0.0.1, started per test; what arrived is read back with python's email
// package. No mock SMTP.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <thread>

#include "MailTestMessages.h"
#include "SinkProcess.h"
#include "fumidai/core/Subprocess.h"
#include "fumidai/mail/SmtpClient.h"

namespace fumidai::mail {
namespace {

using test::SinkProcess;

std::string json_string(const boost::json::value& value) { return std::string(value.as_string()); }

class SmtpClientTest : public ::testing::Test {
 protected:
  // One self-signed certificate for 127.0.0.1 (subjectAltName IP) for the suite.
  static void SetUpTestSuite() {
    cert_dir_ = test::make_temp_dir("fumidai-smtp-cert");
    const auto made =
        run_subprocess({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", (cert_dir_ / "key.pem").string(), "-out", (cert_dir_ / "cert.pem").string()});
    ASSERT_TRUE(made && made->exit_code == 0) << (made ? made->output : made.error().message);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(cert_dir_); }

  static std::vector<std::string> tls_options() {
    return {"--tls-cert", (cert_dir_ / "cert.pem").string(), "--tls-key", (cert_dir_ / "key.pem").string()};
  }

  static SmtpSettings settings_for(const SinkProcess& sink) {
    SmtpSettings settings;
    settings.port = sink.port();
    settings.timeout = std::chrono::milliseconds(10000);
    settings.helo_name = "fumidai.test";
    return settings;
  }

  static std::string letter() { return render_message(test::ascii_letter()).value(); }

  static inline std::filesystem::path cert_dir_;
};

TEST_F(SmtpClientTest, PlainDeliveryReusesTheConnection) {
  SinkProcess sink({});
  ASSERT_NE(sink.port(), 0);
  SmtpClient client(settings_for(sink));
  for (int i = 0; i < 2; ++i) {
    const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", letter());
    ASSERT_EQ(result.kind, SmtpResult::Kind::sent) << result.reply;
    EXPECT_EQ(result.code, 250);
    EXPECT_EQ(result.reply, "250 2.0.0 Ok: queued as 000" + std::to_string(i + 1));
  }
  client.close();
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  for (const auto& arrived : messages) {
    EXPECT_EQ(json_string(arrived.at("mail_from")), "cert@fumidai.example");
    EXPECT_EQ(arrived.at("rcpt_tos").as_array().size(), 1u);
    EXPECT_FALSE(arrived.at("tls").as_bool());
    const auto& message = arrived.at("message").as_object();
    EXPECT_EQ(json_string(message.at("subject")), "Routers with VPN servers exposed in your network");
    EXPECT_EQ(json_string(message.at("text")), test::ascii_letter().text);
    EXPECT_TRUE(message.at("defects").as_array().empty()) << boost::json::serialize(message.at("defects"));
  }
  // After close() the next send connects again.
  EXPECT_EQ(client.send("", "abuse@example.jp", letter()).kind, SmtpResult::Kind::sent);
  EXPECT_EQ(sink.messages().size(), 3u);
}

TEST_F(SmtpClientTest, ReconnectsWhenTheRelayDroppedTheConnection) {
  SinkProcess sink({"--idle-timeout", "1"});  // long enough for one send on a loaded machine
  ASSERT_NE(sink.port(), 0);
  SmtpClient client(settings_for(sink));
  ASSERT_EQ(client.send("cert@fumidai.example", "abuse@example.jp", letter()).kind, SmtpResult::Kind::sent);
  // Wait until the sink has closed the idle connection; the next send's RSET
  // finds it gone and the send goes over a new connection.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const SmtpResult again = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  EXPECT_EQ(again.kind, SmtpResult::Kind::sent) << again.reply;
  EXPECT_EQ(sink.messages().size(), 2u);
}

TEST_F(SmtpClientTest, DotStuffingAndLineEnds) {
  SinkProcess sink({});
  ASSERT_NE(sink.port(), 0);
  SmtpClient client(settings_for(sink));
  const std::string message =
      "From: cert@fumidai.example\r\nTo: abuse@example.jp\r\nSubject: dots\r\n\r\n"
      "first\r\n.\r\n..two dots\n.leading dot\rlast line without end";
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", message);
  ASSERT_EQ(result.kind, SmtpResult::Kind::sent) << result.reply;
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(json_string(messages[0].at("message").at("text")),
            "first\n.\n..two dots\n.leading dot\nlast line without end\n");
}

TEST_F(SmtpClientTest, StartTlsWithoutVerificationCarriesAJapaneseLetter) {
  SinkProcess sink(tls_options());
  ASSERT_NE(sink.port(), 0);
  SmtpSettings settings = settings_for(sink);
  settings.tls = SmtpSettings::Tls::required;
  settings.verify_certificate = false;
  SmtpClient client(settings);
  const MimeMessage japanese = test::japanese_letter();
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", render_message(japanese).value());
  ASSERT_EQ(result.kind, SmtpResult::Kind::sent) << result.reply;
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].at("tls").as_bool());
  const auto& message = messages[0].at("message").as_object();
  EXPECT_EQ(json_string(message.at("subject")), japanese.subject);
  EXPECT_EQ(test::without_spaces(json_string(message.at("from").at("display_name"))),
            test::without_spaces(japanese.from_name));
  EXPECT_EQ(test::without_spaces(json_string(message.at("to").at("display_name"))),
            test::without_spaces(japanese.to_name));
  EXPECT_EQ(json_string(message.at("text")), japanese.text);
  EXPECT_EQ(json_string(message.at("attachments").at(0).at("filename")), "影響ホスト一覧.csv");
}

TEST_F(SmtpClientTest, StartTlsVerifiedWithCaFile) {
  SinkProcess sink(tls_options());
  ASSERT_NE(sink.port(), 0);
  SmtpSettings settings = settings_for(sink);
  settings.ca_file = (cert_dir_ / "cert.pem").string();
  SmtpClient client(settings);
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  ASSERT_EQ(result.kind, SmtpResult::Kind::sent) << result.reply;
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_TRUE(sink.messages()[0].at("tls").as_bool());
}

TEST_F(SmtpClientTest, UntrustedCertificateIsTransient) {
  SinkProcess sink(tls_options());
  ASSERT_NE(sink.port(), 0);
  SmtpSettings settings = settings_for(sink);  // verify against the system's store: self-signed fails
  SmtpClient client(settings);
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  EXPECT_EQ(result.kind, SmtpResult::Kind::transient);
  EXPECT_NE(result.reply.find("TLS handshake with 127.0.0.1"), std::string::npos) << result.reply;
  EXPECT_NE(result.reply.find("certificate"), std::string::npos) << result.reply;
  EXPECT_TRUE(sink.messages().empty());
}

TEST_F(SmtpClientTest, AuthOverTls) {
  std::vector<std::string> options = tls_options();
  options.insert(options.end(), {"--auth", "fumidai:s3cret pass"});
  SinkProcess sink(options);
  ASSERT_NE(sink.port(), 0);
  SmtpSettings settings = settings_for(sink);
  settings.verify_certificate = false;
  settings.username = "fumidai";
  settings.password = "s3cret pass";
  SmtpClient client(settings);
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  ASSERT_EQ(result.kind, SmtpResult::Kind::sent) << result.reply;
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_TRUE(sink.messages()[0].at("authenticated").as_bool());

  settings.password = "wrong";
  SmtpClient wrong(settings);
  const SmtpResult refused = wrong.send("cert@fumidai.example", "abuse@example.jp", letter());
  EXPECT_EQ(refused.kind, SmtpResult::Kind::permanent);
  EXPECT_EQ(refused.code, 535) << refused.reply;
  EXPECT_EQ(sink.messages().size(), 1u);
}

TEST_F(SmtpClientTest, AuthLoginWhenPlainIsNotOffered) {
  std::vector<std::string> options = tls_options();
  options.insert(options.end(), {"--auth", "fumidai:secret", "--login-only"});
  SinkProcess sink(options);
  ASSERT_NE(sink.port(), 0);
  SmtpSettings settings = settings_for(sink);
  settings.verify_certificate = false;
  settings.username = "fumidai";
  settings.password = "secret";
  SmtpClient client(settings);
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  ASSERT_EQ(result.kind, SmtpResult::Kind::sent) << result.reply;
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_TRUE(sink.messages()[0].at("authenticated").as_bool());
}

TEST_F(SmtpClientTest, RefusesPlainTextAuth) {
  SinkProcess sink({});  // no STARTTLS on offer
  ASSERT_NE(sink.port(), 0);
  SmtpSettings settings = settings_for(sink);
  settings.username = "fumidai";
  settings.password = "secret";
  SmtpClient client(settings);
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  EXPECT_EQ(result.kind, SmtpResult::Kind::permanent);
  EXPECT_NE(result.reply.find("refusing to send credentials"), std::string::npos) << result.reply;
  EXPECT_TRUE(sink.messages().empty());
}

TEST_F(SmtpClientTest, TlsRequiredButNotOffered) {
  SinkProcess sink({});
  ASSERT_NE(sink.port(), 0);
  SmtpSettings settings = settings_for(sink);
  settings.tls = SmtpSettings::Tls::required;
  SmtpClient client(settings);
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  EXPECT_EQ(result.kind, SmtpResult::Kind::permanent);
  EXPECT_NE(result.reply.find("does not offer STARTTLS"), std::string::npos) << result.reply;
  EXPECT_TRUE(sink.messages().empty());
}

TEST_F(SmtpClientTest, RejectionsKeepTheReplyAndTheConnection) {
  SinkProcess sink({"--reject-550", "nobody@example.jp", "--reject-451", "later@example.jp"});
  ASSERT_NE(sink.port(), 0);
  SmtpClient client(settings_for(sink));
  const SmtpResult gone = client.send("cert@fumidai.example", "nobody@example.jp", letter());
  EXPECT_EQ(gone.kind, SmtpResult::Kind::permanent);
  EXPECT_EQ(gone.code, 550);
  EXPECT_EQ(gone.reply, "550 5.1.1 <nobody@example.jp>: Recipient address rejected: User unknown");
  const SmtpResult later = client.send("cert@fumidai.example", "later@example.jp", letter());
  EXPECT_EQ(later.kind, SmtpResult::Kind::transient);
  EXPECT_EQ(later.code, 451);
  EXPECT_EQ(later.reply, "451 4.3.0 <later@example.jp>: Temporary lookup failure");
  const SmtpResult fine = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  EXPECT_EQ(fine.kind, SmtpResult::Kind::sent) << fine.reply;
  ASSERT_EQ(sink.messages().size(), 1u);
  EXPECT_EQ(json_string(sink.messages()[0].at("rcpt_tos").at(0)), "abuse@example.jp");
}

TEST_F(SmtpClientTest, BadEnvelopeAddressesSendNothing) {
  SinkProcess sink({});
  ASSERT_NE(sink.port(), 0);
  SmtpClient client(settings_for(sink));
  const SmtpResult result = client.send("cert@fumidai.example", "a@example.jp>\r\nRCPT TO:<b@example.jp", letter());
  EXPECT_EQ(result.kind, SmtpResult::Kind::permanent);
  EXPECT_NE(result.reply.find("envelope recipient"), std::string::npos) << result.reply;
  EXPECT_TRUE(sink.messages().empty());
}

TEST_F(SmtpClientTest, RelayDownIsTransient) {
  // A port that was just free: bound, then closed, so nothing listens.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  SmtpSettings settings;
  settings.port = probe.local_endpoint().port();
  probe.close();
  SmtpClient client(settings);
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  EXPECT_EQ(result.kind, SmtpResult::Kind::transient);
  EXPECT_EQ(result.code, 0);
  EXPECT_NE(result.reply.find("Connection refused"), std::string::npos) << result.reply;
}

TEST_F(SmtpClientTest, SlowRelayTimesOut) {
  SinkProcess sink({"--slow", "5"});
  ASSERT_NE(sink.port(), 0);
  SmtpSettings settings = settings_for(sink);
  settings.timeout = std::chrono::milliseconds(300);
  SmtpClient client(settings);
  const SmtpResult result = client.send("cert@fumidai.example", "abuse@example.jp", letter());
  EXPECT_EQ(result.kind, SmtpResult::Kind::transient);
  EXPECT_EQ(result.reply, "timeout after 300ms waiting for the reply to MAIL FROM");
  EXPECT_TRUE(sink.messages().empty());
}

}  // namespace
}  // namespace fumidai::mail
