// Server: serves a Service over HTTP with cpp-httplib. The only file of
// searchd that knows about httplib.
#pragma once

#include <memory>
#include <string>

#include "searchd/service.h"

namespace letopis::searchd {

struct ServerConfig {
  std::string host = "127.0.0.1";  // loopback by default; put nginx in front
  int port = 8080;                 // 0 picks a free port (tests)
  // Worker threads kept ready, each with its own Database once it has
  // searched. cpp-httplib holds a thread per connection, so the pool grows
  // past this, a thread per open connection, up to max_connections (idle or
  // slow clients cannot starve the rest); extra threads leave after 30 s idle.
  int threads = 32;
  // Measured on 2 cores: with 1,000 idle connections a visitor is answered
  // in about 0.1 s; with 2,000, in 5 s (cpp-httplib 0.11 waits for each
  // request by polling, and thread creation slows). Put nginx in front for
  // more.
  int max_connections = 1024;
  int read_timeout_seconds = 5;    // slow clients are cut off after this
  int write_timeout_seconds = 5;
  int keep_alive_seconds = 5;
  size_t max_body_bytes = 64 * 1024;
};

class Server {
 public:
  Server(Service& service, ServerConfig cfg);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the socket; returns the bound port. Throws std::runtime_error.
  int bind();
  // Serves until stop(); returns false if listening failed.
  bool listen();
  // Thread-safe; makes listen() return.
  void stop();
  bool running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace letopis::searchd
