// searchd's configuration: a JSON file (config/searchd.json documents every
// key and its default) plus command-line flags, which win over the file.
#pragma once

#include <string>

#include "searchd/server.h"
#include "searchd/service.h"

namespace letopis::searchd {

struct Config {
  ServiceConfig service;
  ServerConfig server;
};

// Applies a JSON config text on top of cfg. Throws std::invalid_argument
// naming the key for an unknown key, a wrong type or a value out of range,
// so a typo never silently falls back to a default.
void apply_config_json(const std::string& json_text, Config& cfg);

// Reads and applies a config file. Throws std::runtime_error if unreadable.
void apply_config_file(const std::string& path, Config& cfg);

// Parses "HOST:PORT" or "[v6]:PORT" into cfg.server. Returns false if malformed.
bool parse_listen(const std::string& text, ServerConfig& cfg);

}  // namespace letopis::searchd
