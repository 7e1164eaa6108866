// db_query_bench: latency of the three ExposureQueries the API serves, warm,
// on a database bench/db-queries.sh filled (bench/db-queries-data.sql).
//
//   counts     exposure counts by ISP x category for the latest scan (and, as
//              a second variant, by ASN x label)
//   routers    one ISP's exposed routers, 100 a page: the page after a
//              router drawn from all ISPs' (any depth of any ISP's list), and
//              each ISP's first page in turn
//   host       one host's current services, history and changes, for
//              addresses drawn from the hosts table (fixed by --seed)
//
// Each query runs --warmup times unmeasured, then --rounds times; one line
// each: "NAME p50_ms p95_ms max_ms rounds rows_per_call".
//
//   db_query_bench --db URL [--rounds N] [--warmup N] [--seed S]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <utility>
#include <pqxx/pqxx>
#include <random>
#include <string>
#include <vector>

#include "fumidai/db/ExposureQueries.h"
#include "fumidai/db/Session.h"

namespace {

using namespace fumidai;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string db;
  int rounds = 500;
  int warmup = 20;
  unsigned seed = 1;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "db_query_bench: %s\nusage: db_query_bench --db URL [--rounds N] [--warmup N] [--seed S]\n",
               why.c_str());
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(fmt::format("{} needs a value", flag));
    const std::string value = argv[++i];
    if (flag == "--db") {
      o.db = value;
    } else if (flag == "--rounds") {
      o.rounds = std::stoi(value);
    } else if (flag == "--warmup") {
      o.warmup = std::stoi(value);
    } else if (flag == "--seed") {
      o.seed = static_cast<unsigned>(std::stoul(value));
    } else {
      usage(fmt::format("unknown flag {}", flag));
    }
  }
  if (o.db.empty()) usage("--db is required");
  if (o.rounds < 1 || o.warmup < 0) usage("--rounds must be positive, --warmup not negative");
  return o;
}

template <class T>
T must(Result<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "db_query_bench: %s: %s\n", what, result.error().message.c_str());
    std::exit(1);
  }
  return std::move(*result);
}

// Runs `call` (returning rows produced) warmup + rounds times and prints the
// measured rounds' percentiles.
void measure(const char* name, const Options& options, const std::function<std::size_t()>& call) {
  for (int i = 0; i < options.warmup; ++i) call();
  std::vector<double> ms;
  std::size_t rows = 0;
  for (int i = 0; i < options.rounds; ++i) {
    const auto start = Clock::now();
    rows += call();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * ms.size()))]; };
  std::printf("%s %.3f %.3f %.3f %d %.1f\n", name, at(0.50), at(0.95), ms.back(), options.rounds,
              static_cast<double>(rows) / options.rounds);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  auto session = must(db::Session::open(options.db), "connecting");
  db::ExposureQueries queries(session);

  // The workload's parameters: every ISP, and a sample of hosts.
  std::vector<std::string> orgs;
  std::vector<std::string> hosts;
  std::vector<std::pair<std::string, std::string>> routers;  // (ISP, one of its exposed routers)
  {
    pqxx::connection connection(options.db);
    pqxx::nontransaction tx(connection);
    for (const auto& row : tx.exec("SELECT DISTINCT org_id FROM hosts WHERE org_id IS NOT NULL ORDER BY 1")) {
      orgs.push_back(row[0].as<std::string>());
    }
    tx.exec_params("SELECT setseed($1)", 1.0 / (1.0 + options.seed));
    for (const auto& row : tx.exec_params("SELECT host(ip) FROM hosts TABLESAMPLE BERNOULLI (1) ORDER BY random() "
                                          "LIMIT $1",
                                          options.rounds + options.warmup)) {
      hosts.push_back(row[0].as<std::string>());
    }
    for (const auto& row : tx.exec_params("SELECT org_id, host(ip) FROM hosts TABLESAMPLE BERNOULLI (2) "
                                          "WHERE org_id IS NOT NULL AND router_vendor IS NOT NULL AND services > 0 "
                                          "ORDER BY random() LIMIT $1",
                                          options.rounds + options.warmup)) {
      routers.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
    }
  }
  if (orgs.empty() || hosts.empty() || routers.empty()) {
    std::fprintf(stderr, "db_query_bench: the database has no folded hosts\n");
    return 1;
  }

  measure("counts_isp_category", options, [&] {
    return must(queries.counts_by_isp({}), "counting by ISP").rows.size();
  });
  measure("counts_asn_label", options, [&] {
    return must(queries.counts_by_isp({std::nullopt, db::CountBy::label, db::IspGrouping::asn}), "counting by ASN")
        .rows.size();
  });

  std::size_t next_router = 0;
  measure("routers_page", options, [&] {
    const auto& [org, cursor] = routers[next_router++ % routers.size()];
    auto page = must(queries.exposed_routers({{std::nullopt, org}, cursor, 100}), "listing routers");
    return page.routers.size();
  });
  std::size_t next_org = 0;
  measure("routers_first_page", options, [&] {
    const std::string& org = orgs[next_org++ % orgs.size()];
    return must(queries.exposed_routers({{std::nullopt, org}, "", 100}), "listing routers").routers.size();
  });

  std::size_t next_host = 0;
  measure("host_history", options, [&] {
    auto view = must(queries.host(hosts[next_host++ % hosts.size()]), "reading a host");
    return view.services.size() + view.history.size();
  });
  return 0;
}
