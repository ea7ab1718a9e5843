// An in-process searchd (Service + Server) on a free loopback port, for
// tests that need a real HTTP server but control over its configuration.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include <catch2/catch.hpp>

#include "searchd/server.h"
#include "searchd/service.h"

namespace letopis::test {

using namespace std::chrono_literals;

// A Service and Server on 127.0.0.1:<free port>, stopped on scope exit.
struct InProcessServer {
  searchd::Service service;
  searchd::Server server;
  std::thread thread;
  int port = 0;

  explicit InProcessServer(const std::string& db_dir, searchd::ServerConfig cfg = make_server_config())
      : service(make_config(db_dir)), server(service, cfg) {
    port = server.bind();
    thread = std::thread([this] { server.listen(); });
    for (int i = 0; i < 200 && !server.running(); ++i) std::this_thread::sleep_for(10ms);
    REQUIRE(server.running());
  }
  ~InProcessServer() {
    server.stop();
    thread.join();
  }
  static searchd::ServiceConfig make_config(const std::string& dir) {
    searchd::ServiceConfig c;
    c.db_dir = dir;
    c.poll_interval = 200ms;
    return c;
  }
  static searchd::ServerConfig make_server_config() {
    searchd::ServerConfig c;
    c.port = 0;
    c.threads = 4;
    return c;
  }
};

// Clients that query a server without pause, on keep-alive connections,
// and count every answer that is not a 200: a reload or a switch under
// load must leave failed at 0. stop() (or the destructor) joins them.
struct BusyClients {
  std::atomic<bool> stopping{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;

  BusyClients(int port, int count, std::string path = "/api/search?q=water&facets=year,lang") {
    for (int t = 0; t < count; ++t) {
      threads.emplace_back([this, port, path] {
        httplib::Client c("127.0.0.1", port);
        c.set_keep_alive(true);
        while (!stopping.load()) {
          auto res = c.Get(path.c_str());
          (res && res->status == 200 ? ok : failed).fetch_add(1);
        }
      });
    }
  }
  ~BusyClients() { stop(); }
  void stop() {
    stopping.store(true);
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
  }
};

}  // namespace letopis::test
