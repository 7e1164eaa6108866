#include "fumidai/campaigns/LetterComposer.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "fumidai/campaigns/EmbeddedTemplates.h"
#include "fumidai/core/CsvWriter.h"
#include "fumidai/db/ShadowserverRow.h"
#include "fumidai/mail/MailAddress.h"
#include "fumidai/mail/MimeMessage.h"

namespace fumidai::campaigns {
namespace {

constexpr std::size_t kMaxTemplateBytes = 64 * 1024;

struct TemplateTexts {
  std::string subject_file, subject, body_file, body;
};

Result<std::string> read_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return make_input_error(fmt::format("{}: {}", path.string(), ec.message()));
  if (size > kMaxTemplateBytes) {
    return make_input_error(fmt::format("{}: {} bytes; a template is at most {}", path.string(), size,
                                        kMaxTemplateBytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return make_input_error(fmt::format("{}: cannot read", path.string()));
  return text.str();
}

Result<std::map<std::string, TemplateTexts>> read_directory(const std::string& dir) {
  std::map<std::string, TemplateTexts> out;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) return make_input_error(fmt::format("{}: {}", dir, ec.message()));
  for (const auto& entry : it) {
    if (!entry.is_directory()) continue;
    const auto language = entry.path().filename().string();
    TemplateTexts texts;
    texts.subject_file = (entry.path() / "subject.txt").string();
    texts.body_file = (entry.path() / "body.txt").string();
    auto subject = read_file(texts.subject_file);
    if (!subject) return subject.error();
    auto body = read_file(texts.body_file);
    if (!body) return body.error();
    texts.subject = std::move(*subject);
    texts.body = std::move(*body);
    out.emplace(language, std::move(texts));
  }
  if (out.empty()) return make_input_error(fmt::format("{}: no LANG/ directories with subject.txt and body.txt", dir));
  return out;
}

std::map<std::string, TemplateTexts> embedded_texts() {
  std::map<std::string, TemplateTexts> out;
  for (const auto& file : embedded_letter_templates()) {
    auto& texts = out[std::string(file.language)];
    const std::string name = fmt::format("templates/letters/{}/{}.txt", file.language, file.part);
    if (file.part == "subject") {
      texts.subject_file = name;
      texts.subject = file.text;
    } else {
      texts.body_file = name;
      texts.body = file.text;
    }
  }
  return out;
}

bool valid_language(const std::string& language) {
  return language.size() >= 2 && language.size() <= 8 && std::all_of(language.begin(), language.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || c == '-';
         });
}

std::string joined(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += separator;
    out += v;
  }
  return out;
}

std::string device_text(const db::ShadowserverRow& row) {
  std::vector<std::string> parts;
  for (const auto* part : {&row.device_vendor, &row.device_model, &row.device_version}) {
    if (!part->empty()) parts.push_back(*part);
  }
  return parts.empty() ? std::string("unidentified device") : joined(parts, " ");
}

std::string first_line(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto line = text.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) return line;
    start = end + 1;
  }
  return {};
}

std::string attachment_csv(const std::vector<db::ExposureItem>& exposures) {
  std::string out;
  {
    CsvWriter csv(out);
    for (const char* column : db::kShadowserverColumns) csv.text(column);
    csv.end_record();
  }
  for (const auto& item : exposures) {
    CsvWriter csv(out);
    for (const auto& cell : db::shadowserver_row(item).cells()) csv.text(cell);
    csv.end_record();
  }
  return out;
}

}  // namespace

const mail::TemplateSchema& LetterComposer::schema() {
  static const mail::TemplateSchema schema = [] {
    mail::TemplateSchema s;
    s.variables = {"recipient_name", "recipient_email", "campaign_name",   "sender_name", "sender_address",
                   "scan_date",      "exposure_count",  "host_count",      "attachment_name", "ack_url",
                   "optout_url",     "more_hosts_count"};
    mail::TemplateSchema host;
    host.variables = {"ip", "port", "protocol", "device", "labels"};
    mail::TemplateSchema label;
    label.variables = {"title", "advice", "severity", "count"};
    s.sections = {{"hosts", host}, {"labels", label}, {"more_hosts", mail::TemplateSchema{}}};
    return s;
  }();
  return schema;
}

Result<LetterComposer> LetterComposer::load(const std::string& templates_dir, fingerprints::LabelSet labels) {
  std::map<std::string, TemplateTexts> texts;
  if (templates_dir.empty()) {
    texts = embedded_texts();
  } else {
    auto read = read_directory(templates_dir);
    if (!read) return read.error();
    texts = std::move(*read);
  }
  std::map<std::string, Templates> templates;
  for (const auto& [language, t] : texts) {
    if (!valid_language(language)) {
      return make_input_error(fmt::format("{}: {:?} is not a language code (lower-case letters and '-')",
                                          t.body_file, language));
    }
    auto subject = mail::LetterTemplate::parse(t.subject, t.subject_file, schema());
    if (!subject) return subject.error();
    auto body = mail::LetterTemplate::parse(t.body, t.body_file, schema());
    if (!body) return body.error();
    for (const auto& label : labels.labels()) {
      if (!label.text(language)) {
        return make_input_error(fmt::format("fingerprints/labels.yaml: label '{}' has no '{}' translation, which the "
                                            "letters in {} need",
                                            label.id, language, t.body_file));
      }
    }
    templates.emplace(language, Templates{std::move(*subject), std::move(*body)});
  }
  return LetterComposer(std::move(templates), std::move(labels));
}

std::vector<std::string> LetterComposer::languages() const {
  std::vector<std::string> out;
  for (const auto& [language, t] : templates_) out.push_back(language);
  return out;
}

Result<std::string> LetterComposer::compose(const LetterInput& input) const {
  const auto found = templates_.find(input.language);
  if (found == templates_.end()) {
    return make_input_error(fmt::format("no letter templates in {:?} (there are: {})", input.language,
                                        joined(languages(), ", ")));
  }
  const db::NewRecipient& recipient = *input.recipient;
  auto to = mail::MailAddress::parse(recipient.email);
  if (!to) return make_input_error(fmt::format("recipient {:?}: {}", recipient.email, to.error().message));
  auto from = mail::MailAddress::parse(input.sender_address);
  if (!from) return make_input_error(fmt::format("sender {:?}: {}", input.sender_address, from.error().message));

  std::set<std::string> hosts;
  std::map<std::string, int> label_counts;
  db::TimePoint latest{};
  for (const auto& item : recipient.exposures) {
    hosts.insert(item.ip);
    for (const auto& label : item.labels) ++label_counts[label];
    latest = std::max(latest, item.last_seen);
  }

  mail::TemplateContext context;
  context["recipient_name"] = recipient.name;
  context["recipient_email"] = recipient.email;
  context["campaign_name"] = input.campaign_name;
  context["sender_name"] = input.sender_name;
  context["sender_address"] = input.sender_address;
  context["scan_date"] = fmt::format("{:%Y-%m-%d}", std::chrono::floor<std::chrono::seconds>(latest));
  context["exposure_count"] = std::to_string(recipient.exposures.size());
  context["host_count"] = std::to_string(hosts.size());
  const std::string attachment_name = "affected-devices.csv";
  context["attachment_name"] = attachment_name;
  context["ack_url"] = fmt::format("{}/v1/ack/{}", input.public_url, input.ack_token);
  context["optout_url"] = fmt::format("{}/v1/optouts", input.public_url);

  std::vector<mail::TemplateContext> host_items;
  for (std::size_t i = 0; i < recipient.exposures.size() && i < kListedHosts; ++i) {
    const auto row = db::shadowserver_row(recipient.exposures[i]);
    mail::TemplateContext h;
    h["ip"] = row.ip;
    h["port"] = std::to_string(row.port);
    h["protocol"] = row.protocol;
    h["device"] = device_text(row);
    h["labels"] = joined(recipient.exposures[i].labels, ", ");
    host_items.push_back(std::move(h));
  }
  context["hosts"] = std::move(host_items);
  const bool more = recipient.exposures.size() > kListedHosts;
  context["more_hosts"] = more;
  context["more_hosts_count"] = std::to_string(more ? recipient.exposures.size() - kListedHosts : 0);

  std::vector<mail::TemplateContext> label_items;
  for (const auto& label : labels_.labels()) {  // file order: the most important first
    const auto count = label_counts.find(label.id);
    if (count == label_counts.end()) continue;
    const auto text = label.text(input.language);  // load() checked every label has one
    mail::TemplateContext l;
    l["title"] = text->title;
    l["advice"] = text->advice;
    l["severity"] = label.severity;
    l["count"] = std::to_string(count->second);
    label_items.push_back(std::move(l));
  }
  context["labels"] = std::move(label_items);

  mail::MimeMessage message;
  message.from_name = input.sender_name;
  message.from = *from;
  message.to_name = recipient.name;
  message.to = *to;
  message.subject = first_line(found->second.subject.render(context));
  message.date = input.date;
  message.message_id = input.message_id;
  message.text = found->second.body.render(context);
  message.attachments.push_back({attachment_name, "text/csv; charset=UTF-8", attachment_csv(recipient.exposures)});
  return mail::render_message(message);
}

}  // namespace fumidai::campaigns
