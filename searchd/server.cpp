#include "searchd/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace letopis::searchd {
namespace {

// cpp-httplib holds a worker thread per connection, for as long as the
// connection lives (read timeouts included). With a fixed pool, a few
// thousand idle or slow connections would queue every real request behind
// them for minutes. This pool keeps `core` threads and grows, one thread per
// waiting connection, up to `max`; threads beyond the core leave after
// `idle` without work. A connection costs a thread (a stack, mostly
// untouched) and a file descriptor, not a Database: a thread opens its
// Database on its first search.
class ElasticPool : public httplib::TaskQueue {
 public:
  ElasticPool(size_t core, size_t max, std::chrono::seconds idle, Metrics& metrics)
      : core_(core), max_(std::max(core, max)), idle_(idle), metrics_(metrics) {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < core_; ++i) spawn_locked(true);
  }
  ~ElasticPool() override { shutdown(); }

  // httplib enqueues one job per accepted connection, which serves it
  // until it closes.
  void enqueue(std::function<void()> fn) override {
    std::list<std::thread> done;
    metrics_.connections(+1);
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back([this, fn = std::move(fn)] {
        fn();
        metrics_.connections(-1);
      });
      if (waiting_ < jobs_.size() && threads_ < max_) spawn_locked(false);
      else ready_.notify_one();
      done.swap(finished_);
    }
    for (auto& t : done) t.join();  // threads that left for idleness
  }

  void shutdown() override {
    std::list<std::thread> all;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      stopping_ = true;
      ready_.notify_all();
    }
    // Workers drain the queue first, as httplib's ThreadPool does.
    for (;;) {
      std::list<std::thread> batch;
      {
        std::lock_guard<std::mutex> lock(mu_);
        batch.splice(batch.end(), running_);
        batch.splice(batch.end(), finished_);
      }
      if (batch.empty()) break;
      for (auto& t : batch) t.join();
    }
  }

 private:
  void spawn_locked(bool core) {
    ++threads_;
    metrics_.threads(+1);
    running_.emplace_back();
    auto self = std::prev(running_.end());
    *self = std::thread([this, core, self] { work(core, self); });
  }

  void work(bool core, std::list<std::thread>::iterator self) {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      ++waiting_;
      const bool woke = core ? (ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); }), true)
                             : ready_.wait_for(lock, idle_, [&] { return stopping_ || !jobs_.empty(); });
      --waiting_;
      if (jobs_.empty() && (stopping_ || !woke)) break;
      if (jobs_.empty()) continue;
      std::function<void()> fn = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
    }
    --threads_;
    metrics_.threads(-1);
    // Another thread joins this one; a stopping pool joins them all.
    if (!stopping_) finished_.splice(finished_.end(), running_, self);
  }

  const size_t core_, max_;
  const std::chrono::seconds idle_;
  Metrics& metrics_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  std::list<std::thread> running_, finished_;
  size_t threads_ = 0, waiting_ = 0;
  bool stopping_ = false;
};

}  // namespace

struct Server::Impl {
  Service& service;
  ServerConfig cfg;
  httplib::Server http;
  int listen_fd = -1;  // the listening socket, seen through set_socket_options

  Impl(Service& s, ServerConfig c) : service(s), cfg(std::move(c)) {}

  void reply(const httplib::Request& req, httplib::Response& res) {
    HttpRequest r;
    r.method = req.method;
    r.path = req.path;
    r.params.reserve(req.params.size());
    // httplib keeps parameters in a multimap sorted by name; the order of
    // values within a name is the request's order, which is all we rely on.
    for (const auto& [k, v] : req.params) r.params.emplace_back(k, v);
    r.accept_language = req.get_header_value("Accept-Language");
    r.host = req.get_header_value("Host");
    r.if_none_match = req.get_header_value("If-None-Match");
    HttpResponse out = service.handle(r);
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_content(std::move(out.body), out.content_type);
  }
};

Server::Server(Service& service, ServerConfig cfg) : impl_(std::make_unique<Impl>(service, std::move(cfg))) {
  auto& http = impl_->http;
  const size_t threads = static_cast<size_t>(impl_->cfg.threads > 0 ? impl_->cfg.threads : 8);
  const size_t max_connections = static_cast<size_t>(std::max(impl_->cfg.max_connections, impl_->cfg.threads));
  http.new_task_queue = [threads, max_connections, &metrics = service.metrics()] {
    return new ElasticPool(threads, max_connections, std::chrono::seconds(30), metrics);
  };
  // Without TCP_NODELAY every response waits for the client's delayed ACK
  // (40 ms on Linux); see ../shared/DEBIAN-NOTES.md.
  http.set_tcp_nodelay(true);
  http.set_read_timeout(impl_->cfg.read_timeout_seconds, 0);
  http.set_write_timeout(impl_->cfg.write_timeout_seconds, 0);
  http.set_keep_alive_timeout(impl_->cfg.keep_alive_seconds);
  http.set_keep_alive_max_count(1000);
  http.set_payload_max_length(impl_->cfg.max_body_bytes);
  // httplib's default options set SO_REUSEPORT, which would let a second
  // searchd bind the same port and silently take half the connections:
  // SO_REUSEADDR only (restarts need it). The fd is kept for bind().
  http.set_socket_options([impl = impl_.get()](int fd) {
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    impl->listen_fd = fd;
  });

  auto handler = [this](const httplib::Request& req, httplib::Response& res) { impl_->reply(req, res); };
  // Every path goes through Service::handle, which routes and answers 404.
  http.Get(R"(/.*)", handler);
  http.Post(R"(/.*)", handler);
  http.Put(R"(/.*)", handler);
  http.Delete(R"(/.*)", handler);
  // httplib's own errors (414 URI too long, 400 bad request) get our JSON body.
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string code = "bad_request", message = "the request could not be read";
    if (res.status == 414) code = "uri_too_long", message = "the request line is too long";
    if (res.status == 413) code = "payload_too_large", message = "the request body is too large";
    if (res.status == 431) code = "headers_too_large", message = "the request headers are too large";
    if (res.status == 404) code = "not_found", message = "no such endpoint";
    res.set_content(Service::error(res.status, code, message).body, "application/json; charset=utf-8");
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(Service::error(500, "internal", "internal error").body, "application/json; charset=utf-8");
  });
}

Server::~Server() { stop(); }

int Server::bind() {
  auto& http = impl_->http;
  int port = impl_->cfg.port;
  if (port == 0) {
    port = http.bind_to_any_port(impl_->cfg.host);
  } else if (!http.bind_to_port(impl_->cfg.host, port)) {
    port = -1;
  }
  if (port < 0) {
    throw std::runtime_error("cannot listen on " + impl_->cfg.host + ":" + std::to_string(impl_->cfg.port) +
                             " (in use, or not an address of this host)");
  }
  // httplib listens with a backlog of 5: under a burst of connections the
  // kernel drops SYNs past it, and each dropped client waits a second or
  // more to retry. Listening again on the bound socket raises the backlog.
  if (impl_->listen_fd >= 0) ::listen(impl_->listen_fd, SOMAXCONN);
  impl_->cfg.port = port;
  return port;
}

bool Server::listen() { return impl_->http.listen_after_bind(); }
void Server::stop() {
  if (impl_->http.is_running()) impl_->http.stop();
}
bool Server::running() const { return impl_->http.is_running(); }

}  // namespace letopis::searchd
