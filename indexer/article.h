// Article: one news article as the indexer sees it, whatever its source
// (JSON Lines, an HTML page or a plain-text page). A plain value type.
#pragma once

#include <string>
#include <vector>

namespace letopis {

struct Article {
  std::string id;        // unique and stable across runs; required
  std::string lang;      // "ru", "en", "kk"; empty means "detect it"
  std::string title;
  std::string date;      // "YYYY-MM-DD", or empty when unknown
  std::string url;
  std::string section;
  std::vector<std::string> tags;
  std::string body;      // plain text, paragraphs separated by '\n'
  // Extracted by the indexer (entities, topics); may be empty.
  std::vector<std::string> people;
  std::vector<std::string> orgs;
  std::vector<std::string> topics;
  std::string author;
};

}  // namespace letopis
