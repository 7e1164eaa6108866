#include "SinkProcess.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fumidai::mail::test {

std::filesystem::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) return {};
  return pattern;
}

SinkProcess::SinkProcess(const std::vector<std::string>& options) : dir_(make_temp_dir("fumidai-sink")) {
  std::vector<std::string> argv{FUMIDAI_MAIL_PYTHON, FUMIDAI_MAIL_TEST_DIR "/smtp_sink.py", "--dir", dir_.string()};
  argv.insert(argv.end(), options.begin(), options.end());
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  // The port line, within 20 s (python and aiosmtpd start slowly under load).
  std::string line;
  pollfd pfd{fds[0], POLLIN, 0};
  while (line.find('\n') == std::string::npos && poll(&pfd, 1, 20000) > 0) {
    char buffer[64];
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  port_ = static_cast<std::uint16_t>(std::atoi(line.c_str()));
}

SinkProcess::~SinkProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

std::vector<boost::json::object> SinkProcess::messages() const {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir_))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<boost::json::object> out;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::ostringstream text;
    text << in.rdbuf();
    out.push_back(boost::json::parse(text.str()).as_object());
  }
  return out;
}

}  // namespace fumidai::mail::test
