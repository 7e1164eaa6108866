#pragma once
// Letters the mail tests render: plain ASCII, Japanese, and one that tries
// header injection through every field.
#include <chrono>

#include "fumidai/mail/MimeMessage.h"

namespace fumidai::mail::test {

inline std::chrono::system_clock::time_point fixed_date() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1795813861));  // 2026-11-27 21:11:01 UTC
}

inline MimeMessage ascii_letter() {
  MimeMessage m;
  m.from_name = "fumidai CERT";
  m.from = MailAddress{"cert@fumidai.example"};
  m.to = MailAddress{"abuse@example.jp"};
  m.subject = "Routers with VPN servers exposed in your network";
  m.date = fixed_date();
  m.message_id = "c1.r1@fumidai.example";
  m.extra_headers = {{"X-Fumidai-Campaign", "1"}};
  m.text = "Hello,\n\nWe found 2 routers.\n.\nA line with only a dot above.\n";
  m.attachments = {{"hosts.csv", "text/csv; charset=UTF-8", "ip,port\r\n198.51.100.1,1723\r\n"}};
  return m;
}

inline MimeMessage japanese_letter() {
  MimeMessage m = ascii_letter();
  m.from_name = "踏み台 CERT チーム";
  m.to_name = "さくら光ネット株式会社 ネットワーク運用部 不正利用対策窓口 御中";
  m.subject = "【要対応】貴組織のネットワーク内で VPN サーバーが有効になっているルーターが見つかりました（2 台）";
  m.text = "ご担当者様\n\n貴組織のネットワークで、VPN が有効なルーターを 2 台確認しました。\n";
  m.extra_headers = {{"X-Fumidai-Campaign", "1"}, {"X-Fumidai-Note", "日本語の値"}};
  m.attachments = {{"影響ホスト一覧.csv", "text/csv; charset=UTF-8", "ip,port\r\n198.51.100.1,1723\r\n"}};
  return m;
}

inline MimeMessage hostile_letter() {
  MimeMessage m = ascii_letter();
  m.from_name = "Evil Org\r\nBcc: victim@example.com";
  m.to_name = "Org\nX-Injected: 1";
  m.subject = "Hello\r\nBcc: victim@example.com\r\n\r\nbody takeover";
  m.extra_headers = {{"X-Fumidai-Campaign", "1\r\nContent-Type: text/html"}};
  m.attachments = {{"evil\r\nBcc: victim@example.com\".csv", "text/csv", "x"}};
  return m;
}

}  // namespace fumidai::mail::test
