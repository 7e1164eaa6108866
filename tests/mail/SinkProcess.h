#pragma once
// The aiosmtpd sink (smtp_sink.py) as a child process for one test: started
// with its options, waited for until it prints its port, killed on
// destruction. Also the test's scratch directory, where the sink saves what
// arrives, and the reader of those files.
// Contract: one per test, one thread.
#include <sys/types.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace fumidai::mail::test {

class SinkProcess {
 public:
  // `options`: smtp_sink.py's flags besides --dir.
  explicit SinkProcess(const std::vector<std::string>& options);
  ~SinkProcess();
  SinkProcess(const SinkProcess&) = delete;
  SinkProcess& operator=(const SinkProcess&) = delete;

  std::uint16_t port() const { return port_; }  // 0 when the sink failed to start
  const std::filesystem::path& dir() const { return dir_; }
  // The NNNN.json summaries saved so far, in arrival order.
  std::vector<boost::json::object> messages() const;

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

// A fresh directory under the system's temporary directory.
std::filesystem::path make_temp_dir(const std::string& prefix);

}  // namespace fumidai::mail::test
