// Turns an Article into a Xapian::Document under the schema (schema.h), and
// back from a document's data. Not thread-safe: it holds an Analyzer.
#pragma once

#include <string>

#include <xapian.h>

#include "indexer/article.h"
#include "indexer/entities.h"
#include "stemmers/analyzer.h"

namespace letopis {

class DocumentBuilder {
 public:
  // The extractor adds people, organisations and topics from its gazetteer
  // and taxonomy to those the source supplied; the default adds none.
  explicit DocumentBuilder(analysis::AnalysisOptions options = {}, EntityExtractor entities = {})
      : analyzer_(options), entities_(std::move(entities)) {}

  // REQUIRES: article.id is non-empty. An empty article.lang is detected.
  // content_hash is stored for incremental runs (see content_hash()).
  Xapian::Document build(const Article& article, const std::string& content_hash);

  analysis::Analyzer& analyzer() { return analyzer_; }

 private:
  analysis::Analyzer analyzer_;
  EntityExtractor entities_;
  std::vector<analysis::Token> title_tokens_, body_tokens_;  // reused between documents
};

// A stable 64-bit FNV-1a hash, in hex, of everything the index stores about
// an article. Equal hashes mean an incremental run can skip the article.
std::string content_hash(const Article& article);

// The document data (JSON) for an article, and the article back from it.
std::string article_to_data(const Article& article);
// Throws std::runtime_error if data is not a Letopis document.
Article article_from_data(const std::string& data);

// "2022-04-20" -> true only for a real calendar date in years 1000..2999.
bool valid_iso_date(std::string_view date);

}  // namespace letopis
