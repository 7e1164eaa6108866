#include "fumidai/mail/LetterTemplate.h"

#include <algorithm>

#include "fumidai/core/Trim.h"
#include "fumidai/core/Utf8.h"

namespace fumidai::mail {

namespace {

using Node = LetterTemplate::Node;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// A section being read: where its nodes go, and the schema its names resolve
// in first (null: the enclosing one's, for a variable used as a section).
struct Frame {
  std::vector<Node>* nodes;
  std::string name;
  char sigil;
  std::size_t line;
  const TemplateSchema* schema;
};

class Parser {
 public:
  Parser(std::string_view text, std::string_view file, const TemplateSchema& schema) : text_(text), file_(file) {
    frames_.push_back(Frame{&root_, "", 0, 1, &schema});
  }

  Result<std::vector<Node>> run() {
    if (text_.size() > LetterTemplate::kMaxBytes)
      return make_input_error(std::string(file_) + ": template larger than " +
                              std::to_string(LetterTemplate::kMaxBytes) + " bytes");
    for (std::size_t i = 0; i < text_.size();) {
      const std::size_t length = utf8_sequence_length(text_.substr(i));
      if (length == 0) return error(i, "invalid UTF-8");
      i += length;
    }
    std::size_t pos = 0;
    while (pos < text_.size()) {
      const std::size_t open = text_.find("{{", pos);
      if (open == std::string_view::npos) {
        add_text(text_.substr(pos));
        break;
      }
      const std::size_t close = text_.find("}}", open + 2);
      if (close == std::string_view::npos) return error(open, "unclosed tag {{ (no }})");
      const std::string_view content = text_.substr(open + 2, close - open - 2);
      const char sigil = content.empty() ? 0 : content.front();
      const bool has_sigil = sigil == '#' || sigil == '^' || sigil == '/' || sigil == '!';
      const std::string_view name = trim_blanks(has_sigil ? content.substr(1) : content);
      const std::string tag = "{{" + std::string(content.substr(0, 80)) + "}}";
      if (sigil != '!' && (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char) ||
                           content.find('\n') != std::string_view::npos))
        return error(open, "malformed tag " + tag);

      // A standalone section or comment tag takes its whole line.
      std::size_t text_end = open;
      std::size_t next = close + 2;
      if (has_sigil) {
        const std::size_t line_start = open == 0 ? 0 : text_.rfind('\n', open - 1) + 1;  // npos + 1 == 0
        const std::size_t eol = text_.find('\n', close + 2);
        const std::size_t line_end = eol == std::string_view::npos ? text_.size() : eol;
        if (line_start >= pos && is_blank(text_.substr(line_start, open - line_start)) &&
            is_blank(text_.substr(close + 2, line_end - close - 2))) {
          text_end = line_start;
          next = eol == std::string_view::npos ? text_.size() : eol + 1;
        }
      }
      add_text(text_.substr(pos, text_end - pos));
      pos = next;

      const std::string key(name);
      if (sigil == '!') continue;
      if (sigil == '/') {
        if (frames_.size() == 1) return error(open, "{{/" + key + "}} closes no section");
        const Frame& top = frames_.back();
        if (top.name != key)
          return error(open, "{{/" + key + "}} closes {{" + std::string(1, top.sigil) + top.name +
                                 "}} (opened on line " + std::to_string(top.line) + ")");
        frames_.pop_back();
        continue;
      }
      if (sigil == '#' || sigil == '^') {
        if (frames_.size() > LetterTemplate::kMaxDepth)
          return error(open, "sections nested deeper than " + std::to_string(LetterTemplate::kMaxDepth));
        const TemplateSchema* inner = nullptr;
        bool known = false;
        for (auto frame = frames_.rbegin(); frame != frames_.rend() && !known; ++frame) {
          if (!frame->schema) continue;
          if (auto it = frame->schema->sections.find(key); it != frame->schema->sections.end()) {
            inner = &it->second;
            known = true;
          } else if (frame->schema->variables.count(key)) {
            known = true;
          }
        }
        if (!known) return error(open, "unknown section {{" + std::string(1, sigil) + key + "}}");
        Node node{sigil == '#' ? Node::Kind::section : Node::Kind::inverted, key, {}};
        std::vector<Node>& nodes = *frames_.back().nodes;
        nodes.push_back(std::move(node));
        frames_.push_back(Frame{&nodes.back().children, key, sigil, line_of(open), inner});
        continue;
      }
      bool known = false;
      for (auto frame = frames_.rbegin(); frame != frames_.rend() && !known; ++frame)
        known = frame->schema && (frame->schema->variables.count(key) || frame->schema->sections.count(key));
      if (!known) return error(open, "unknown variable {{" + key + "}}");
      frames_.back().nodes->push_back(Node{Node::Kind::variable, key, {}});
    }
    if (frames_.size() > 1) {
      const Frame& top = frames_.back();
      return make_input_error(std::string(file_) + ":" + std::to_string(top.line) + ": unclosed section {{" +
                              std::string(1, top.sigil) + top.name + "}}");
    }
    return std::move(root_);
  }

 private:
  void add_text(std::string_view text) {
    if (text.empty()) return;
    std::vector<Node>& nodes = *frames_.back().nodes;
    if (!nodes.empty() && nodes.back().kind == Node::Kind::text)
      nodes.back().value += text;
    else
      nodes.push_back(Node{Node::Kind::text, std::string(text), {}});
  }

  std::size_t line_of(std::size_t offset) const {
    return 1 + static_cast<std::size_t>(std::count(text_.begin(), text_.begin() + offset, '\n'));
  }

  Error error(std::size_t offset, const std::string& what) const {
    return make_input_error(std::string(file_) + ":" + std::to_string(line_of(offset)) + ": " + what);
  }

  std::string_view text_;
  std::string_view file_;
  std::vector<Node> root_;
  // frames_[i].nodes points into frames_[i - 1]'s last node: nothing is added
  // to an outer section while an inner one is open, so the pointers stay valid.
  std::vector<Frame> frames_;
};

const TemplateValue* lookup(const std::string& name, const std::vector<const TemplateContext*>& scopes) {
  for (auto scope = scopes.rbegin(); scope != scopes.rend(); ++scope)
    if (auto it = (*scope)->find(name); it != (*scope)->end()) return &it->second;
  return nullptr;
}

bool truthy(const TemplateValue* value) {
  if (!value) return false;
  if (const auto* text = std::get_if<std::string>(value)) return !text->empty();
  if (const auto* flag = std::get_if<bool>(value)) return *flag;
  return !std::get<TemplateList>(*value).empty();
}

void render_nodes(const std::vector<Node>& nodes, std::vector<const TemplateContext*>& scopes, std::string& out) {
  for (const Node& node : nodes) {
    const TemplateValue* value = node.kind == Node::Kind::text ? nullptr : lookup(node.value, scopes);
    switch (node.kind) {
      case Node::Kind::text:
        out += node.value;
        break;
      case Node::Kind::variable:
        if (const auto* text = value ? std::get_if<std::string>(value) : nullptr)
          out += *text;
        else if (const auto* flag = value ? std::get_if<bool>(value) : nullptr)
          out += *flag ? "true" : "false";
        break;
      case Node::Kind::section:
        if (const auto* list = value ? std::get_if<TemplateList>(value) : nullptr) {
          for (const TemplateContext& item : *list) {
            scopes.push_back(&item);
            render_nodes(node.children, scopes, out);
            scopes.pop_back();
          }
        } else if (truthy(value)) {
          render_nodes(node.children, scopes, out);
        }
        break;
      case Node::Kind::inverted:
        if (!truthy(value)) render_nodes(node.children, scopes, out);
        break;
    }
  }
}

}  // namespace

Result<LetterTemplate> LetterTemplate::parse(std::string_view text, std::string_view file,
                                             const TemplateSchema& schema) {
  auto nodes = Parser(text, file, schema).run();
  if (!nodes) return nodes.error();
  LetterTemplate result;
  result.nodes_ = std::move(*nodes);
  return result;
}

std::string LetterTemplate::render(const TemplateContext& context) const {
  std::string out;
  std::vector<const TemplateContext*> scopes{&context};
  render_nodes(nodes_, scopes, out);
  return out;
}

}  // namespace fumidai::mail
