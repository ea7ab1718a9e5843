// An in-process searchd (Service + Server) on a free loopback port, for
// tests that need a real HTTP server but control over its configuration.
#pragma once

#include <chrono>
#include <string>
#include <thread>

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

}  // namespace letopis::test
