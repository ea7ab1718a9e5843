// letopis-searchd: serves a Letopis index over HTTP. See README.md.
#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "searchd/server.h"
#include "searchd/service.h"

namespace {

constexpr const char* kUsage = R"(Usage: letopis-searchd --db DIR [options]

Serves the Letopis index in DIR (as written by letopis-index) over HTTP:
/api/search, /api/doc/{id}, /healthz, /metrics. Picks up a new index
without a restart.

Options:
  --db DIR              index directory; required
  --listen HOST:PORT    address to listen on (default 127.0.0.1:8080)
  --threads N           worker threads (default 8)
  -h, --help            show this help

Exit codes: 0 after a clean shutdown (SIGTERM or SIGINT); 1 if the server
cannot start (e.g. the port is taken); 2 usage error.
)";

bool parse_listen(const std::string& s, letopis::searchd::ServerConfig& cfg) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  cfg.host = s.substr(0, colon);
  if (cfg.host.size() > 2 && cfg.host.front() == '[' && cfg.host.back() == ']') {
    cfg.host = cfg.host.substr(1, cfg.host.size() - 2);
  }
  char* end = nullptr;
  const long port = std::strtol(s.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) return false;
  cfg.port = static_cast<int>(port);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  letopis::searchd::ServiceConfig service_cfg;
  letopis::searchd::ServerConfig server_cfg;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--db" && i + 1 < argc) {
      service_cfg.db_dir = argv[++i];
    } else if (a == "--listen" && i + 1 < argc) {
      if (!parse_listen(argv[++i], server_cfg)) {
        std::cerr << "letopis-searchd: --listen wants HOST:PORT, e.g. 127.0.0.1:8080\n";
        return 2;
      }
    } else if (a == "--threads" && i + 1 < argc) {
      server_cfg.threads = std::atoi(argv[++i]);
    } else {
      std::cerr << "letopis-searchd: unknown argument " << a << "\n\n" << kUsage;
      return 2;
    }
  }
  if (service_cfg.db_dir.empty()) {
    std::cerr << "letopis-searchd: --db DIR is required\n\n" << kUsage;
    return 2;
  }

  // Signals are taken by one thread with sigwait, never inside a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    letopis::searchd::Service service(service_cfg);
    letopis::searchd::Server server(service, server_cfg);
    const int port = server.bind();
    std::thread waiter([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      std::cerr << "letopis-searchd: shutting down\n";
      server.stop();
    });
    std::cerr << "letopis-searchd: listening on http://" << server_cfg.host << ":" << port << "/\n";
    const bool ok = server.listen();
    if (!ok) {
      std::cerr << "letopis-searchd: the server stopped with an error\n";
      pthread_kill(waiter.native_handle(), SIGTERM);
    }
    waiter.join();
    return ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "letopis-searchd: " << e.what() << '\n';
    return 1;
  }
}
