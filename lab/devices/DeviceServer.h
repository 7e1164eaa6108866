#pragma once
// The device emulator: every persona of a DeviceConfig on every one of its
// listen entries, served by limits().threads workers (one thread and event
// loop each). open() does everything that can fail (certificates, binding),
// so a server that opened serves; start() and stop() cannot fail.
// Contract: open/start/stop/destroy from one controlling thread. The clock is
// borrowed and must outlive the server; the config is copied. stop() (or the
// destructor) closes every connection and joins the threads.
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "DeviceConfig.h"
#include "DeviceWorker.h"
#include "PreparedPersona.h"
#include "fumidai/core/Clock.h"
#include "fumidai/core/Error.h"

namespace fumidai::lab {

class DeviceServer {
 public:
  static Result<std::unique_ptr<DeviceServer>> open(const DeviceConfig& config, Clock& clock);
  DeviceServer(const DeviceServer&) = delete;
  DeviceServer& operator=(const DeviceServer&) = delete;
  ~DeviceServer();

  void start();
  void stop();

 private:
  explicit DeviceServer(const DeviceConfig& config) : config_(config) {}

  DeviceConfig config_;
  std::vector<std::unique_ptr<PreparedPersona>> personas_;
  std::vector<std::unique_ptr<boost::asio::ssl::context>> tls_;  // by persona; null when it needs none
  std::vector<std::unique_ptr<DeviceWorker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace fumidai::lab
