#pragma once
// One HTTP grab over a connected session (plain or TLS): GET / with the
// scanner's User-Agent, the response recorded (status, headers, title, body
// up to the limit and its SHA-256), then the favicon fetched on a fresh
// connection: the page's <link rel=icon> if it points at the same address
// and port, else /favicon.ico. The favicon gets Shodan's mmh3 hash and a
// SHA-256. Never follows links or redirects to another host.
// Contract: runs inside the engine's coroutine for this session.
#include <boost/asio/awaitable.hpp>

#include "fumidai/scanner/grab/ProbeModule.h"

namespace fumidai::scanner {

boost::asio::awaitable<ProbeOutcome> grab_http(ProbeSession& session);

}  // namespace fumidai::scanner
