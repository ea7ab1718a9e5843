// searchd's log: one line on stderr per event, "<UTC time> letopis-searchd:
// <message>", which journald or a logrotate'd file keeps. Thread-safe.
#pragma once

#include <string>

namespace letopis::searchd {

void log_line(const std::string& message);

// log_line, but only the first time for each key in this process.
void log_once(const std::string& key, const std::string& message);

}  // namespace letopis::searchd
