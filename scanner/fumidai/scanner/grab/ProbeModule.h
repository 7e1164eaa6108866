#pragma once
// A stage-2 probe module: speaks one protocol to a connected target and
// describes what it heard. Modules are registered by name in a ProbeRegistry
// (see BuiltinProbes.cpp); a port profile maps ports to names. Adding a
// protocol is adding a module, never editing the engine.
//
// Contract: modules are stateless and shared by every session (run() is
// const); per-connection state lives in the coroutine. run() is called on
// the engine's thread after the engine connected (and did the TLS handshake
// when tls() is true); it must bound everything it reads by the session's
// options, never throw, and report a failure as a ProbeOutcome status.
// A UDP module's session is a connected UDP socket: the module sends the
// request itself (see udp_exchange in probes/ProbeIo.h) and must check that
// a datagram answers its request before believing it.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "fumidai/core/Error.h"
#include "fumidai/scanner/grab/GrabStatus.h"
#include "fumidai/scanner/grab/ProbeSession.h"

namespace fumidai::scanner {

struct ProbeOutcome {
  GrabStatus status = GrabStatus::success;
  std::string error;         // one line, safe text; empty on success
  boost::json::object data;  // the module's findings, partial ones included on failure
  std::string protocol;      // empty: the module's protocol(); a detecting module names what it found
};

class ProbeModule {
 public:
  virtual ~ProbeModule() = default;
  virtual std::string_view name() const = 0;      // registry key, e.g. "https"
  virtual std::string_view protocol() const = 0;  // the record's protocol, e.g. "http"
  virtual bool tls() const { return false; }
  virtual Transport transport() const { return Transport::tcp; }
  virtual boost::asio::awaitable<ProbeOutcome> run(ProbeSession& session) const = 0;
};

// The outcome for an I/O failure in `phase`: a timeout is io-timeout, a TLS
// failure handshake-error, anything else (closed, reset) protocol-error.
ProbeOutcome outcome_from_io(const IoStatus& status, boost::json::object data = {});
// The outcome for a probe that could not go on (application-error). Built
// outside the coroutines: GCC 12 reports a mismatched coroutine frame delete
// (-Wmismatched-new-delete) for an early co_return of one built in place.
ProbeOutcome outcome_from_error(const Error& error);

}  // namespace fumidai::scanner
