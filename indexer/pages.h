// Scraped-page sources: HTML pages and plain-text page dumps from a site
// mirror, read into Articles. The parse_* functions and find_date() are pure
// and thread-safe (libxml2 is initialised once, on first use; its generic
// error handler is silenced on the calling thread).
// BoilerplateFilter and read_page_tree() are not thread-safe.
//
// Article ids for pages are stable across runs:
//   "url:" + host + path[?query]  when the page names its own absolute URL
//        (og:url, else <link rel=canonical>); scheme, #fragment and trailing
//        '/' are dropped, so http/https copies of one article share an id;
//   "page:" + path relative to the tree root ('/'-separated, extension kept,
//        so a.html and a.txt in one directory stay distinct) otherwise.
// An id over 200 bytes is cut and given a hash suffix (Xapian terms are
// limited to 245 bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "indexer/article.h"
#include "indexer/sources.h"

namespace letopis {

// Fills out from one HTML page. Returns "" on success, else why the page was
// rejected (binary, not HTML, no body text). Title, date, lang, url, section,
// tags come from the page's metadata where present; the body is the main
// content without navigation, sidebars, captions, share/related blocks, and
// without the headline <h1>.
// REQUIRES: rel_path is the page's path relative to the tree root; it is used
// for the id only.
std::string parse_html_page(std::string_view html, const std::string& rel_path, Article& out);

// Fills out from one plain-text scrape (breadcrumb line, title line, body
// paragraphs one per line, "DD MM YY N" photo-caption lines, site banner).
// Breadcrumbs and caption lines are dropped here; banners are left for
// BoilerplateFilter. lang is left empty (the indexer detects it).
// REQUIRES: as for parse_html_page.
std::string parse_text_page(std::string_view text, const std::string& rel_path, Article& out);

// The first valid calendar date in the first ~2000 bytes of text, as
// "YYYY-MM-DD", or "" if there is none. Understands ISO (2022-04-20),
// dotted (20.04.2022), «20 апреля 2022 года», "April 20, 2022", "Apr 20 2022",
// "20 April 2022" and Kazakh «2022 жылғы 20 сәуірде» / «20 сәуір 2024».
std::string find_date(std::string_view text);

// A JSON Lines text field as it reads. Character references, which CMS
// exports leave in text (communiqu&#233;, &laquo;, &amp;), are decoded;
// "AT&T" and unknown references stay as written. A body that begins with an
// HTML tag (<p>, <div>: the CMS's HTML exported as it is) is read as HTML:
// blocks and <br> become line breaks, scripts, styles and media go, and
// line breaks in the field stay. Otherwise tags are text: an article about
// markup keeps "<b>bold</b>" as written.
std::string text_field(std::string_view s, bool body);

struct BoilerplateOptions {
  // A body line is boilerplate when it occurs in at least
  // max(min_pages, ceil(min_share * pages observed)) pages. Defaults 3 and
  // 0.5: a banner or "share" line on most pages of a site goes, a phrase two
  // articles happen to share stays, and nothing is learnt from 1-2 pages.
  size_t min_pages = 3;
  double min_share = 0.5;
  // Lines shorter than this many characters (code points, after trimming)
  // are neither counted nor removed. Default 3: "—" or "*" separators are
  // not site furniture worth learning.
  size_t min_line_chars = 3;
};

// Learns the lines a site repeats on every page (banners, "Dear visitor!"
// notices, copyright lines) and removes them from bodies. Without this a
// banner on every page makes every page match the banner's words, and its
// words dilute every page's term statistics.
//
// Usage: observe() every page of one site, then clean() each of them.
// Memory: one counter per distinct line (a 64-bit hash, not the text).
// Not thread-safe.
class BoilerplateFilter {
 public:
  explicit BoilerplateFilter(BoilerplateOptions options = {});

  // Counts each distinct line of article.body once.
  void observe(const Article& article);

  // Removes every boilerplate line from article.body, and blank lines at its
  // end. Returns the number of lines removed.
  size_t clean(Article& article) const;

  // REQUIRES: line is trimmed as clean() trims it.
  bool is_boilerplate(std::string_view line) const;

  size_t pages_observed() const { return pages_; }

 private:
  size_t pages_needed() const;

  BoilerplateOptions options_;
  size_t pages_ = 0;
  std::unordered_map<uint64_t, uint32_t> counts_;  // line hash -> pages
};

// Reads every *.html / *.htm (parse_html_page) and *.txt (parse_text_page)
// file under root, recursively, in sorted path order. Other files, hidden
// (dot) entries and symlinked directories are skipped; symlinked files are
// read. Two passes: the first parses each page and feeds one
// BoilerplateFilter per format and declared language (HTML and text scrapes
// repeat different furniture, and a trilingual site shows each language's
// banner on a third of its pages: pooled, neither would reach the share);
// the second cleans and emits. Parsed pages are kept between passes up to 256 MiB of text,
// beyond that they are parsed again, so memory stays bounded.
//
// A page that is binary, not HTML, larger than limits.max_record_bytes, has
// no body (also after cleaning) or repeats an id already emitted is reported
// via on_error with its path (line 0) and skipped; the rest still come.
// Throws std::runtime_error only if root is not a readable directory.
void read_page_tree(const std::string& root, const SourceLimits& limits, const ArticleFn& on_article,
                    const ErrorFn& on_error, const BoilerplateOptions& boilerplate = {});

}  // namespace letopis
