// A small W3C WebDriver client for the browser tests: Debian's chromedriver
// drives Debian's chromium, headless, and this speaks its HTTP+JSON protocol
// with cpp-httplib and nlohmann/json, so the tests need no Node or Python.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "e2e/loopback.h"
#include "e2e/process.h"

namespace letopis::test {

using nlohmann::json;

struct WebDriverError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One browser session. Every call throws WebDriverError with the driver's
// message when the driver reports an error.
class Browser {
 public:
  static constexpr const char* kChromium = "/usr/bin/chromium";
  static constexpr const char* kDriver = "/usr/bin/chromedriver";
  static bool available() { return std::filesystem::exists(kChromium) && std::filesystem::exists(kDriver); }

  // Starts chromedriver and a headless chromium in a window of this size.
  explicit Browser(bool javascript = true, int width = 1280, int height = 1000) : port_(free_port()) {
    driver_ = std::make_unique<Process>(std::vector<std::string>{kDriver, "--port=" + std::to_string(port_)});
    http_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    http_->set_read_timeout(60);
    for (int i = 0; i < 200; ++i) {
      if (auto r = http_->Get("/status"); r && r->status == 200 && json::parse(r->body)["value"]["ready"] == true) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    json args = {"--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-extensions", "--lang=en-US",
                 "--window-size=" + std::to_string(width) + "," + std::to_string(height)};
    json options = {{"binary", kChromium}, {"args", args}};
    if (!javascript) options["prefs"] = {{"profile.managed_default_content_settings.javascript", 2}};
    const json caps = {{"capabilities", {{"alwaysMatch", {{"browserName", "chrome"}, {"goog:chromeOptions", options}}}}}};
    session_ = call("POST", "/session", caps)["sessionId"].get<std::string>();
  }
  ~Browser() {
    try {
      if (!session_.empty()) call("DELETE", "/session/" + session_);
    } catch (...) {  // the driver is killed next anyway
    }
  }
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  void go(const std::string& url) { session("POST", "/url", {{"url", url}}); }
  std::string url() { return session("GET", "/url").get<std::string>(); }
  std::string title() { return session("GET", "/title").get<std::string>(); }

  // The first element matching a CSS selector; throws if there is none.
  std::string find(const std::string& css) {
    return element_id(session("POST", "/element", {{"using", "css selector"}, {"value", css}}));
  }
  std::vector<std::string> find_all(const std::string& css) {
    std::vector<std::string> out;
    for (const json& e : session("POST", "/elements", {{"using", "css selector"}, {"value", css}})) {
      out.push_back(element_id(e));
    }
    return out;
  }
  void click(const std::string& el) { session("POST", "/element/" + el + "/click", json::object()); }
  // Types text; WebDriver key codes such as "\xEE\x80\x87" (U+E007, Enter) work.
  void type(const std::string& el, const std::string& text) {
    session("POST", "/element/" + el + "/value", {{"text", text}});
  }
  std::string text(const std::string& el) { return session("GET", "/element/" + el + "/text").get<std::string>(); }
  std::string attribute(const std::string& el, const std::string& name) {
    const json v = session("GET", "/element/" + el + "/attribute/" + name);
    return v.is_string() ? v.get<std::string>() : "";
  }
  // Runs a script in the page; returns its result.
  json script(const std::string& body, json args = json::array()) {
    return session("POST", "/execute/sync", {{"script", body}, {"args", args}});
  }
  // Keys to the focused element (ActiveElement): "\xEE\x80\x95" is ArrowDown.
  void keys(const std::string& text) { type(element_id(session("GET", "/element/active")), text); }
  // The text of an open alert(), or "" if none is open.
  std::string alert_text() {
    auto r = http_->Get(("/session/" + session_ + "/alert/text").c_str());
    if (!r || r->status != 200) return "";
    return json::parse(r->body)["value"].get<std::string>();
  }
  void screenshot(const std::filesystem::path& file) {
    const std::string png = decode_base64(session("GET", "/screenshot").get<std::string>());
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << png;
  }

  // Polls cond until it holds or timeout passes; returns whether it held.
  static bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      try {
        if (cond()) return true;
      } catch (const WebDriverError&) {  // e.g. the element is being replaced
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  static std::string element_id(const json& v) { return v.at("element-6066-11e4-a52e-4f735466cecf").get<std::string>(); }

  json session(const std::string& method, const std::string& path, const json& body = nullptr) {
    return call(method, "/session/" + session_ + path, body);
  }

  json call(const std::string& method, const std::string& path, const json& body = nullptr) {
    httplib::Result r = method == "GET"      ? http_->Get(path.c_str())
                        : method == "DELETE" ? http_->Delete(path.c_str())
                                             : http_->Post(path.c_str(), body.dump(), "application/json");
    if (!r) throw WebDriverError(method + " " + path + ": " + httplib::to_string(r.error()));
    const json j = json::parse(r->body, nullptr, false);
    if (r->status != 200 || j.is_discarded()) {
      throw WebDriverError(method + " " + path + " -> " + std::to_string(r->status) + ": " + r->body.substr(0, 500));
    }
    return j["value"];
  }

  static std::string decode_base64(const std::string& in) {
    static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
      const size_t v = chars.find(c);
      if (v == std::string::npos) continue;  // '=' and newlines
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((acc >> bits) & 0xFF));
      }
    }
    return out;
  }

  int port_;
  std::unique_ptr<Process> driver_;
  std::unique_ptr<httplib::Client> http_;
  std::string session_;
};

}  // namespace letopis::test
