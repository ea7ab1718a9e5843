// A child process with its stderr piped to the test, for end-to-end tests of
// the real binaries.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace letopis::test {

class Process {
 public:
  explicit Process(std::vector<std::string> argv) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    // Everything the child needs is made before fork: the test's threads
    // (an in-process searchd, busy clients) may hold the allocator's lock
    // at that moment, and a child that allocated before execv would wait
    // on it forever (seen under ASan: a replication test hung for 300 s).
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      // Async-signal-safe calls only.
      dup2(fds[1], 2);
      close(fds[0]);
      close(fds[1]);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    err_ = fds[0];
    fcntl(err_, F_SETFL, O_NONBLOCK);
  }
  ~Process() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (err_ >= 0) close(err_);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads stderr until it holds a whole line containing needle, or the
  // timeout passes; returns all read so far.
  std::string wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    auto complete = [&] {
      const size_t at = output_.find(needle);
      return at != std::string::npos && output_.find('\n', at) != std::string::npos;
    };
    while (!complete() && std::chrono::steady_clock::now() < until) {
      pollfd p{err_, POLLIN, 0};
      if (poll(&p, 1, 50) > 0) drain();
    }
    return output_;
  }

  // The port letopis-searchd says it listens on ("listening on
  // http://127.0.0.1:PORT/"), once it says so within timeout; -1 if it does
  // not (output() says why).
  int listening_port(std::chrono::milliseconds timeout) {
    const std::string& out = wait_for_output("listening on", timeout);
    static const std::regex re("listening on http://127\\.0\\.0\\.1:(\\d+)/");
    std::smatch m;
    return std::regex_search(out, m, re) ? std::stoi(m[1]) : -1;
  }

  void signal(int sig) { kill(pid_, sig); }

  // Waits for exit; returns the exit code, or 128+signal.
  int wait() {
    int status = 0;
    // Keep draining stderr so a chatty child never blocks on a full pipe.
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      drain();
      pollfd p{err_, POLLIN, 0};
      poll(&p, 1, 20);
    }
    exited_ = true;
    drain();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  const std::string& output() {
    drain();
    return output_;
  }

 private:
  void drain() {
    char buf[4096];
    ssize_t n;
    while ((n = read(err_, buf, sizeof buf)) > 0) output_.append(buf, static_cast<size_t>(n));
  }
  pid_t pid_ = -1;
  int err_ = -1;
  bool exited_ = false;
  std::string output_;
};

// Runs a command to completion; returns its exit code and stderr.
inline int run(std::vector<std::string> argv, std::string* output = nullptr) {
  Process p(std::move(argv));
  const int code = p.wait();
  if (output) *output = p.output();
  return code;
}

}  // namespace letopis::test
