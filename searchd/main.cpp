// letopis-searchd: serves a Letopis index over HTTP. See README.md.
#include <pthread.h>
#include <sys/resource.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "searchd/config.h"
#include "searchd/server.h"
#include "searchd/service.h"

namespace {

constexpr const char* kUsage = R"(Usage: letopis-searchd [--config FILE] [--db DIR] [options]

Serves the Letopis index in DIR (as written by letopis-index) over HTTP:
/api/search, /api/doc/{id}, /healthz, /metrics. Picks up a new index
without a restart.

Options (they override the config file):
  --config FILE         JSON config; config/searchd.json lists every key
  --db DIR              index directory, or a stub file listing shards
                        (docs/OPERATIONS.md, Sharding); required here or in the config
  --listen HOST:PORT    address to listen on (default 127.0.0.1:8080)
  --threads N           worker threads = concurrent connections (default 32)
  -h, --help            show this help

Exit codes: 0 after a clean shutdown (SIGTERM or SIGINT); 1 if the server
cannot start (bad config, port taken); 2 usage error.
)";

}  // namespace

int main(int argc, char** argv) {
  letopis::searchd::Config cfg;
  std::string config_file, db, listen, threads;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--config" && i + 1 < argc) {
      config_file = argv[++i];
    } else if (a == "--db" && i + 1 < argc) {
      db = argv[++i];
    } else if (a == "--listen" && i + 1 < argc) {
      listen = argv[++i];
    } else if (a == "--threads" && i + 1 < argc) {
      threads = argv[++i];
    } else {
      std::cerr << "letopis-searchd: unknown argument " << a << "\n\n" << kUsage;
      return 2;
    }
  }
  try {
    if (!config_file.empty()) letopis::searchd::apply_config_file(config_file, cfg);
  } catch (const std::exception& e) {
    std::cerr << "letopis-searchd: " << e.what() << '\n';
    return 1;
  }
  if (!db.empty()) cfg.service.db_dir = db;
  if (!listen.empty() && !letopis::searchd::parse_listen(listen, cfg.server)) {
    std::cerr << "letopis-searchd: --listen wants HOST:PORT, e.g. 127.0.0.1:8080\n";
    return 2;
  }
  if (!threads.empty()) {
    cfg.server.threads = std::atoi(threads.c_str());
    if (cfg.server.threads < 1 || cfg.server.threads > 256) {
      std::cerr << "letopis-searchd: --threads wants 1 to 256\n";
      return 2;
    }
  }
  if (cfg.service.db_dir.empty()) {
    std::cerr << "letopis-searchd: --db DIR (or \"db\" in the config) is required\n\n" << kUsage;
    return 2;
  }

  // Every connection holds a socket and, once it has searched, a Database
  // (about 8 files): take what the hard limit allows, and say if it cannot
  // cover max_connections (the systemd unit sets LimitNOFILE).
  if (rlimit nofile{}; getrlimit(RLIMIT_NOFILE, &nofile) == 0) {
    if (nofile.rlim_cur < nofile.rlim_max) {
      nofile.rlim_cur = nofile.rlim_max;
      setrlimit(RLIMIT_NOFILE, &nofile);
    }
    getrlimit(RLIMIT_NOFILE, &nofile);
    const rlim_t want = static_cast<rlim_t>(cfg.server.max_connections) + 8 * static_cast<rlim_t>(cfg.server.threads) + 64;
    if (nofile.rlim_cur != RLIM_INFINITY && nofile.rlim_cur < want) {
      std::cerr << "letopis-searchd: warning: the open-files limit is " << nofile.rlim_cur << ", below the " << want
                << " that max_connections " << cfg.server.max_connections << " and " << cfg.server.threads
                << " threads need; raise it (ulimit -n, systemd LimitNOFILE) or lower max_connections\n";
    }
  }

  // Signals are taken by one thread with sigwait, never inside a handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    letopis::searchd::Service service(cfg.service);
    letopis::searchd::Server server(service, cfg.server);
    const int port = server.bind();
    std::atomic<bool> done{false};
    std::thread waiter([&] {
      int sig = 0;
      sigwait(&signals, &sig);
      if (!done.load()) std::cerr << "letopis-searchd: shutting down\n";
      // A signal can arrive before listen() has started, when stop() would
      // be a no-op; keep asking until listen() has returned.
      while (!done.load()) {
        server.stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
    std::cerr << "letopis-searchd: listening on http://" << cfg.server.host << ":" << port << "/\n";
    const bool ok = server.listen();
    done.store(true);
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
