#include "searchd/log.h"

#include <ctime>
#include <iostream>
#include <mutex>
#include <set>

namespace letopis::searchd {

void log_line(const std::string& message) {
  char ts[32];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
  // One write per line, so that lines of different threads do not interleave.
  std::cerr << (std::string(ts) + " letopis-searchd: " + message + '\n') << std::flush;
}

void log_once(const std::string& key, const std::string& message) {
  static std::mutex mu;
  static std::set<std::string> said;
  {
    std::lock_guard<std::mutex> lock(mu);
    if (!said.insert(key).second) return;
  }
  log_line(message);
}

}  // namespace letopis::searchd
