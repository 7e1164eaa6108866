#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

ProbeOutcome outcome_from_error(const Error& error) {
  ProbeOutcome outcome;
  outcome.status = GrabStatus::application_error;
  outcome.error = error.message;
  return outcome;
}

ProbeOutcome outcome_from_io(const IoStatus& status, boost::json::object data) {
  ProbeOutcome outcome;
  outcome.data = std::move(data);
  outcome.error = status.message;
  switch (status.error) {
    case IoError::none:
      outcome.status = GrabStatus::success;
      break;
    case IoError::timeout:
      outcome.status = GrabStatus::io_timeout;
      break;
    case IoError::tls:
      outcome.status = GrabStatus::handshake_error;
      break;
    case IoError::refused:
      outcome.status = GrabStatus::connection_refused;
      break;
    case IoError::eof:
    case IoError::reset:
    case IoError::other:
      outcome.status = GrabStatus::protocol_error;
      break;
  }
  return outcome;
}

}  // namespace fumidai::scanner
