// MurmurHash3_x86_32 against the reference implementation's published
// vectors, Python-compatible MIME base64, and Shodan's favicon hash and the
// MD5 (Recog's key) of Google's icon (tests/unit/data/google-favicon.ico.b64).
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fumidai/scanner/probes/http/FaviconHash.h"
#include "fumidai/scanner/validate/MurmurHash3.h"

using namespace fumidai::scanner;

namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string digest_hex(const std::vector<std::uint8_t>& data, const EVP_MD* md) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(data.data(), data.size(), out, &length, md, nullptr), 1);
  std::string hex;
  for (unsigned i = 0; i < length; ++i) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[out[i] >> 4];
    hex += kDigits[out[i] & 15];
  }
  return hex;
}

std::vector<std::uint8_t> google_favicon() {
  std::ifstream in(std::string(FUMIDAI_TEST_DATA_DIR) + "/google-favicon.ico.b64");
  std::stringstream text;
  text << in.rdbuf();
  std::string b64 = text.str();
  while (!b64.empty() && (b64.back() == '\n' || b64.back() == '\r')) b64.pop_back();
  std::vector<std::uint8_t> out(b64.size() / 4 * 3);
  const int n =
      EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) return {};
  // EVP_DecodeBlock counts padding as zero bytes.
  std::size_t length = static_cast<std::size_t>(n);
  for (auto it = b64.rbegin(); it != b64.rend() && *it == '='; ++it) --length;
  out.resize(length);
  return out;
}

}  // namespace

TEST(MurmurHash3, MatchesReferenceVectors) {
  struct Case {
    std::string_view data;
    std::uint32_t seed;
    std::uint32_t hash;
  };
  const Case cases[] = {
      {"", 0, 0},
      {"", 1, 0x514E28B7},
      {"", 0xFFFFFFFF, 0x81F16F39},
      {std::string_view("\xFF\xFF\xFF\xFF", 4), 0, 0x76293B50},
      {std::string_view("\x21\x43\x65\x87", 4), 0, 0xF55B516B},
      {std::string_view("\x21\x43\x65\x87", 4), 0x5082EDEE, 0x2362F9DE},
      {std::string_view("\x21\x43\x65", 3), 0, 0x7E4A8634},
      {std::string_view("\x21\x43", 2), 0, 0xA0F7B07A},
      {std::string_view("\x21", 1), 0, 0x72661CF4},
      {std::string_view("\x00\x00\x00\x00", 4), 0, 0x2362F9DE},
      {std::string_view("\x00\x00\x00", 3), 0, 0x85F0B427},
      {std::string_view("\x00\x00", 2), 0, 0x30F4C306},
      {std::string_view("\x00", 1), 0, 0x514E28B7},
      {"aaaa", 0x9747B28C, 0x5A97808A},
      {"aaa", 0x9747B28C, 0x283E0130},
      {"aa", 0x9747B28C, 0x5D211726},
      {"a", 0x9747B28C, 0x7FA09EA6},
      {"abcd", 0x9747B28C, 0xF0478627},
      {"abc", 0x9747B28C, 0xC84A62DD},
      {"ab", 0x9747B28C, 0x74875592},
      {"Hello, world!", 0x9747B28C, 0x24884CBA},
      {"The quick brown fox jumps over the lazy dog", 0x9747B28C, 0x2FA826CD},
  };
  for (const Case& c : cases) EXPECT_EQ(murmur3_x86_32(bytes(c.data), c.seed), c.hash) << c.data;
  // Python's mmh3.hash() reads the same 32 bits as a signed int.
  EXPECT_EQ(static_cast<std::int32_t>(murmur3_x86_32(bytes("foo"))), -156908512);
}

// SMHasher's verification code for MurmurHash3_x86_32: hash keys
// {}, {0}, {0,1}, ..., {0..254} with seed 256 - length, then hash the
// concatenated little-endian results with seed 0.
TEST(MurmurHash3, MatchesSmhasherVerificationValue) {
  std::vector<std::uint8_t> key;
  std::vector<std::uint8_t> hashes;
  for (unsigned i = 0; i < 256; ++i) {
    const std::uint32_t h = murmur3_x86_32(key, 256 - i);
    for (int b = 0; b < 4; ++b) hashes.push_back(static_cast<std::uint8_t>(h >> (8 * b)));
    key.push_back(static_cast<std::uint8_t>(i));
  }
  EXPECT_EQ(murmur3_x86_32(hashes, 0), 0xB0F57EE3u);
}

TEST(FaviconHash, Base64IsPythonsEncodebytes) {
  EXPECT_EQ(mime_base64(bytes("")), "");
  EXPECT_EQ(mime_base64(bytes("f")), "Zg==\n");
  EXPECT_EQ(mime_base64(bytes("fo")), "Zm8=\n");
  EXPECT_EQ(mime_base64(bytes("foo")), "Zm9v\n");
  EXPECT_EQ(mime_base64(bytes("foob")), "Zm9vYg==\n");
  // 57 bytes fill exactly one 76-character line; the 58th starts another.
  const std::string a57(57, 'a');
  std::string line;
  for (int i = 0; i < 19; ++i) line += "YWFh";  // "aaa" 19 times: 76 characters
  EXPECT_EQ(mime_base64(bytes(a57)), line + "\n");
  EXPECT_EQ(mime_base64(bytes(a57 + "a")), line + "\nYQ==\n");
  // Every byte value, against OpenSSL's encoder with the newlines removed.
  std::vector<std::uint8_t> all(1000);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i * 7 + 3);
  const std::string mime = mime_base64(all);
  std::string plain(4 * ((all.size() + 2) / 3) + 1, '\0');
  plain.resize(static_cast<std::size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(plain.data()), all.data(), static_cast<int>(all.size()))));
  std::string joined;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < mime.size(); ++i) {
    if (mime[i] != '\n') {
      joined += mime[i];
      continue;
    }
    const std::size_t length = i - line_start;
    EXPECT_TRUE(length == 76 || i + 1 == mime.size()) << "line of " << length << " at " << line_start;
    line_start = i + 1;
  }
  EXPECT_EQ(joined, plain);
  EXPECT_EQ(mime.back(), '\n');
}

TEST(FaviconHash, GooglesFaviconIsShodans708578229) {
  const std::vector<std::uint8_t> icon = google_favicon();
  ASSERT_EQ(icon.size(), 5430u);
  // The fixture is the published icon, byte for byte.
  EXPECT_EQ(digest_hex(icon, EVP_md5()), "f3418a443e7d841097c714d69ec4bcb8");
  EXPECT_EQ(digest_hex(icon, EVP_sha256()), "6da5620880159634213e197fafca1dde0272153be3e4590818533fab8d040770");
  EXPECT_EQ(shodan_favicon_hash(icon), 708578229);
  EXPECT_EQ(favicon_md5(icon), "f3418a443e7d841097c714d69ec4bcb8");
}

TEST(FaviconHash, Md5IsRecogsKey) {
  // RFC 1321's test suite.
  EXPECT_EQ(favicon_md5({}), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(favicon_md5(bytes("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(favicon_md5(bytes("message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
}

TEST(FaviconHash, SmallInputsMatchPythonMmh3OfEncodebytes) {
  // mmh3.hash(base64.encodebytes(b"")) is mmh3.hash(b"") == 0.
  EXPECT_EQ(shodan_favicon_hash({}), 0);
  EXPECT_EQ(shodan_favicon_hash(bytes("foo")), static_cast<std::int32_t>(murmur3_x86_32(bytes("Zm9v\n"))));
}
