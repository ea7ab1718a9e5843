// Replication (docs/OPERATIONS.md, "Replication"): xapian-replicate-server
// serves the master's index directory, xapian-replicate keeps a replica on
// the same machine (loopback), and a searchd on the replica follows each
// update without a restart and without a failed request: an incremental run
// (a changeset applied to the replica in place, or a full copy when the
// master keeps no changesets) and a --rebuild (a new generation, so a full
// copy, and xapian-replicate switches the replica's stub file), also when
// two full copies land between two of searchd's polls.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "e2e/loopback.h"
#include "e2e/process.h"
#include "e2e/server_fixture.h"
#include "indexer/index_dir.h"
#include "support.h"

using namespace letopis;
using namespace std::chrono_literals;

namespace {

using test::accepts;
using test::free_port;
using test::tool;

using Clock = std::chrono::steady_clock;

// letopis-index on the master; changesets: how many XAPIAN_MAX_CHANGESETS
// keeps (0: none, so every replication is a full copy).
void index(int changesets, std::vector<std::string> args) {
  args.insert(args.begin(), LETOPIS_INDEX_BIN);
  if (changesets > 0) {
    args.insert(args.begin(), {"/usr/bin/env", "XAPIAN_MAX_CHANGESETS=" + std::to_string(changesets)});
  }
  std::string log;
  const int code = test::run(args, &log);
  INFO(log);
  REQUIRE(code == 0);
}

// One run of xapian-replicate in one-shot mode; returns what it reported
// ("Update complete: N copies, N changesets, ...").
std::string replicate(const std::string& client, int port, const std::string& replica, bool force_copy = false) {
  // xapian-replicate reports on stdout; test::run captures stderr.
  const std::string command = "exec " + client + " --host=127.0.0.1 --port=" + std::to_string(port) +
                              " --master=current --one-shot --reader-time=1 --timeout=30 --verbose " +
                              (force_copy ? "--force-copy " : "") + replica +
                              " 1>&2";
  std::string log;
  const int code = test::run({"/bin/sh", "-c", command}, &log);
  INFO(log);
  REQUIRE(code == 0);
  return log;
}

int hits_for(httplib::Client& c, const std::string& q) {
  auto res = c.Get(("/api/search?facets=&q=" + q).c_str());
  if (!res || res->status != 200) return -1;
  return nlohmann::json::parse(res->body).at("total").get<int>();
}

// Waits up to limit for q to have want hits; returns the seconds it took.
// (Every worker thread follows a stub switch at its next request, so the
// checks after it must see the same from whichever thread answers.)
double wait_for_hits(httplib::Client& c, const std::string& q, int want, std::chrono::seconds limit) {
  const auto t0 = Clock::now();
  while (hits_for(c, q) != want && Clock::now() - t0 < limit) std::this_thread::sleep_for(20ms);
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void replication_case(int changesets) {
  const std::string server_bin = tool("xapian-replicate-server");
  const std::string client_bin = tool("xapian-replicate");
  if (server_bin.empty() || client_bin.empty()) {
    WARN("xapian-replicate-server or xapian-replicate is not installed (Debian's xapian-tools); skipped");
    return;
  }
  test::TempDir dir;
  const std::string master = dir.str() + "/master";
  const std::string replica = dir.str() + "/replica";
  const std::string sample = test::sample_jsonl().string();
  index(changesets, {"--db", master, sample});

  // The server serves the master's index directory; the replica asks for
  // `current`, which the server opens through the symlink.
  const int port = free_port();
  // (Its stdout goes to /dev/null.)
  test::Process server({"/bin/sh", "-c",
                        "exec " + server_bin + " --interface=127.0.0.1 --port=" + std::to_string(port) + " " +
                            master + " >/dev/null"});
  const auto until = Clock::now() + 10s;
  while (!accepts(port) && Clock::now() < until) std::this_thread::sleep_for(20ms);
  REQUIRE(accepts(port));

  CHECK_THAT(replicate(client_bin, port, replica), Catch::Contains("1 copies"));
  const std::string stub = replica + "/XAPIANDB";
  REQUIRE(std::filesystem::is_regular_file(stub));

  test::InProcessServer srv(replica);
  httplib::Client probe("127.0.0.1", srv.port);
  REQUIRE(hits_for(probe, "water") > 0);

  // Clients query the replica all the time and count every failure.
  test::BusyClients busy(srv.port, 2);

  // (a) An incremental run on the master: a changeset applied to the live
  // replica in place, or (without changesets) a full copy and a stub switch.
  const std::string extra = dir.str() + "/extra.jsonl";
  test::write_file(extra, R"({"id":"repl-1","lang":"en","title":"Quxplorn summit","body":"A quxplorn meeting."})" "\n");
  REQUIRE(hits_for(probe, "quxplorn") == 0);
  index(changesets, {"--db", master, extra});
  const std::string stub_before = test::read_file(stub);
  const std::string incremental = replicate(client_bin, port, replica);
  if (changesets > 0) {
    CHECK_THAT(incremental, Catch::Contains("0 copies, 1 changesets"));
    CHECK(test::read_file(stub) == stub_before);
  } else {
    CHECK_THAT(incremental, Catch::Contains("1 copies"));
    CHECK(test::read_file(stub) != stub_before);
  }
  const double after_incremental = wait_for_hits(probe, "quxplorn", 1, 10s);
  INFO("incremental update seen after " << after_incremental << " s");
  CHECK(hits_for(probe, "quxplorn") == 1);

  // (b) A rebuild on the master: a new generation (a new database UUID), so
  // a full copy into the replica's other directory and a stub switch.
  const std::string extra2 = dir.str() + "/extra2.jsonl";
  test::write_file(extra2, R"({"id":"repl-2","lang":"en","title":"Vorblenx forum","body":"A vorblenx forum."})" "\n");
  index(changesets, {"--db", master, "--rebuild", sample, extra, extra2});
  const std::string stub_before_rebuild = test::read_file(stub);
  CHECK_THAT(replicate(client_bin, port, replica), Catch::Contains("1 copies"));
  CHECK(test::read_file(stub) != stub_before_rebuild);
  const double after_rebuild = wait_for_hits(probe, "vorblenx", 1, 10s);
  INFO("rebuild seen after " << after_rebuild << " s");
  CHECK(hits_for(probe, "vorblenx") == 1);
  CHECK(hits_for(probe, "quxplorn") == 1);

  // Once more after the rebuild: the new generation replicates as before.
  const std::string extra3 = dir.str() + "/extra3.jsonl";
  test::write_file(extra3, R"({"id":"repl-3","lang":"en","title":"Glimtrax report","body":"A glimtrax report."})" "\n");
  index(changesets, {"--db", master, extra3});
  const std::string again = replicate(client_bin, port, replica);
  if (changesets > 0) CHECK_THAT(again, Catch::Contains("0 copies, 1 changesets"));
  const double after_again = wait_for_hits(probe, "glimtrax", 1, 10s);
  INFO("update after the rebuild seen after " << after_again << " s");
  CHECK(hits_for(probe, "glimtrax") == 1);

  // (c) Two full copies in a row (--force-copy), well within one of the
  // watcher's polls: the stub names the same directory again
  // (`auto replica_N`), for another database. The identity searchd polls
  // must still change, or its threads would stay on the deleted copy.
  const std::string extra4 = dir.str() + "/extra4.jsonl";
  test::write_file(extra4, R"({"id":"repl-4","lang":"en","title":"Plimbrost notes","body":"Plimbrost."})" "\n");
  index(changesets, {"--db", master, extra4});
  const std::string stub_text = test::read_file(stub);
  const std::string identity = index_dir::current_identity(replica);
  CHECK_THAT(replicate(client_bin, port, replica, true), Catch::Contains("1 copies"));
  CHECK_THAT(replicate(client_bin, port, replica, true), Catch::Contains("1 copies"));
  CHECK(test::read_file(stub) == stub_text);
  CHECK(index_dir::current_identity(replica) != identity);
  const double after_two = wait_for_hits(probe, "plimbrost", 1, 10s);
  INFO("two full copies seen after " << after_two << " s");
  CHECK(hits_for(probe, "plimbrost") == 1);

  std::this_thread::sleep_for(300ms);
  busy.stop();
  INFO(busy.ok.load() << " requests answered, " << busy.failed.load() << " failed");
  CHECK(busy.failed.load() == 0);
  CHECK(busy.ok.load() > 10);
}

}  // namespace

TEST_CASE("a replica follows the master's incremental runs (changesets) and rebuilds", "[replication]") {
  replication_case(10);
}

TEST_CASE("a replica follows the master when every update is a full copy", "[replication]") {
  replication_case(0);
}
