#include "searchd/config.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace letopis::searchd {
namespace {

using nlohmann::json;

// Reads one section's keys; each setter validates its value.
class Section {
 public:
  Section(const json& j, std::string name) : j_(j), name_(std::move(name)) {
    if (!j_.is_object()) throw std::invalid_argument("config: '" + name_ + "' must be an object");
  }
  template <typename T>
  void number(const char* key, T& out, double lo, double hi) {
    auto it = j_.find(key);
    if (it == j_.end()) return;
    if (!it->is_number()) throw std::invalid_argument("config: " + path(key) + " must be a number");
    const double v = it->get<double>();
    if (v < lo || v > hi) {
      throw std::invalid_argument("config: " + path(key) + " must be between " + std::to_string(lo) + " and " +
                                  std::to_string(hi));
    }
    out = static_cast<T>(v);
  }
  void boolean(const char* key, bool& out) {
    auto it = j_.find(key);
    if (it == j_.end()) return;
    if (!it->is_boolean()) throw std::invalid_argument("config: " + path(key) + " must be true or false");
    out = it->get<bool>();
  }
  void string(const char* key, std::string& out) {
    auto it = j_.find(key);
    if (it == j_.end()) return;
    if (!it->is_string()) throw std::invalid_argument("config: " + path(key) + " must be a string");
    out = it->get<std::string>();
  }
  const json* object(const char* key) {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  // Call last: every key must have been one we know.
  void reject_unknown(std::initializer_list<const char*> known) const {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      bool ok = false;
      for (const char* k : known) ok = ok || it.key() == k;
      if (!ok) throw std::invalid_argument("config: unknown key " + path(it.key().c_str()));
    }
  }

 private:
  std::string path(const char* key) const { return "'" + (name_.empty() ? "" : name_ + ".") + key + "'"; }
  const json& j_;
  std::string name_;
};

}  // namespace

bool parse_listen(const std::string& s, ServerConfig& cfg) {
  const size_t colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  char* end = nullptr;
  const long port = std::strtol(s.c_str() + colon + 1, &end, 10);
  if (end == s.c_str() + colon + 1 || *end != '\0' || port < 0 || port > 65535) return false;
  cfg.host = host;
  cfg.port = static_cast<int>(port);
  return true;
}

void apply_config_json(const std::string& text, Config& cfg) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) throw std::invalid_argument("config: not valid JSON");
  Section top(j, "");
  top.string("db", cfg.service.db_dir);
  top.string("public_url", cfg.service.public_url);
  if (!cfg.service.public_url.empty() && cfg.service.public_url.rfind("http://", 0) != 0 &&
      cfg.service.public_url.rfind("https://", 0) != 0) {
    throw std::invalid_argument("config: 'public_url' must start with http:// or https://");
  }
  std::string listen;
  top.string("listen", listen);
  if (!listen.empty() && !parse_listen(listen, cfg.server)) {
    throw std::invalid_argument("config: 'listen' must be HOST:PORT");
  }
  top.number("threads", cfg.server.threads, 1, 256);
  top.number("max_connections", cfg.server.max_connections, 1, 65536);
  top.number("read_timeout_seconds", cfg.server.read_timeout_seconds, 1, 300);
  top.number("write_timeout_seconds", cfg.server.write_timeout_seconds, 1, 300);
  top.number("keep_alive_seconds", cfg.server.keep_alive_seconds, 0, 300);
  top.number("max_body_bytes", cfg.server.max_body_bytes, 0, 16 << 20);
  long poll_ms = cfg.service.poll_interval.count();
  top.number("poll_interval_ms", poll_ms, 50, 60000);
  cfg.service.poll_interval = std::chrono::milliseconds(poll_ms);
  if (const json* l = top.object("limits")) {
    Section s(*l, "limits");
    ApiLimits& a = cfg.service.limits;
    s.number("max_query_bytes", a.max_query_bytes, 16, 65536);
    s.number("max_per_page", a.max_per_page, 1, 1000);
    s.number("max_csv_rows", a.max_csv_rows, 1, 100000);
    s.number("max_page", a.max_page, 1, 100000);
    s.number("max_offset", a.max_offset, 10, 1000000);
    s.number("max_filter_values", a.max_filter_values, 1, 1000);
    s.reject_unknown({"max_query_bytes", "max_per_page", "max_csv_rows", "max_page", "max_offset",
                      "max_filter_values"});
  }
  if (const json* o = top.object("search")) {
    Section s(*o, "search");
    SearchOptions& so = cfg.service.search;
    s.number("time_limit_seconds", so.time_limit_seconds, 0.01, 60);
    s.number("snippet_chars", so.snippet_chars, 20, 2000);
    s.number("max_facet_values", so.max_facet_values, 1, 1000);
    s.boolean("correct_queries", so.correct_queries);
    s.boolean("cross_script", so.cross_script);
    s.string("common_words_file", so.common_words_file);
    s.number("exact_form_weight", so.ranking.exact_form_weight, 0, 10);
    s.number("title_weight", so.ranking.title_weight, 0, 10);
    s.number("proximity_weight", so.ranking.proximity_weight, 0, 10);
    s.number("proximity_window", so.ranking.proximity_window, 1, 50);
    s.number("proximity_max_words", so.ranking.proximity_max_words, 0, 64);
    s.number("recency_weight", so.ranking.recency_weight, 0, 10);
    s.number("recency_half_life_days", so.ranking.recency_half_life_days, 1, 36500);
    s.number("fill_below", so.ranking.fill_below, 0, 1000);
    s.reject_unknown({"time_limit_seconds", "snippet_chars", "max_facet_values", "correct_queries", "cross_script", "common_words_file", "exact_form_weight",
                      "title_weight", "proximity_weight", "proximity_window", "proximity_max_words",
                      "recency_weight", "recency_half_life_days", "fill_below"});
  }
  if (const json* o = top.object("shards")) {
    Section s(*o, "shards");
    ShardOptions& sh = cfg.service.search.shards;
    std::string on_failure;
    s.string("on_failure", on_failure);
    if (on_failure == "partial") {
      sh.on_failure = ShardOptions::OnFailure::partial;
    } else if (on_failure == "fail") {
      sh.on_failure = ShardOptions::OnFailure::fail;
    } else if (!on_failure.empty()) {
      throw std::invalid_argument("config: 'shards.on_failure' must be \"partial\" or \"fail\"");
    }
    s.number("timeout_seconds", sh.timeout_seconds, 0.05, 600);
    s.number("connect_timeout_seconds", sh.connect_timeout_seconds, 0.05, 600);
    s.number("retry_seconds", sh.retry_seconds, 0.1, 3600);
    s.string("spelling_db", sh.spelling_db);
    s.reject_unknown({"on_failure", "timeout_seconds", "connect_timeout_seconds", "retry_seconds", "spelling_db"});
  }
  top.reject_unknown({"db", "public_url", "listen", "threads", "max_connections", "read_timeout_seconds", "write_timeout_seconds",
                      "keep_alive_seconds", "max_body_bytes", "poll_interval_ms", "limits", "search", "shards"});
}

void apply_config_file(const std::string& path, Config& cfg) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read the config file");
  std::ostringstream s;
  s << in.rdbuf();
  try {
    apply_config_json(s.str(), cfg);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace letopis::searchd
