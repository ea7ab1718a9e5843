#include "searchd/page.h"

#include <unicode/calendar.h>
#include <unicode/datefmt.h>
#include <unicode/gregocal.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "searchd/render.h"
#include "stemmers/utf8.h"

namespace letopis::searchd {
namespace {

using nlohmann::json;

// The facets the sidebar shows, in its order.
const std::vector<std::string>& page_facets() {
  static const std::vector<std::string> f = {"topic", "year", "person", "org", "section", "lang"};
  return f;
}

// The filter parameters, in the order links write them.
constexpr const char* kFilterNames[] = {"lang", "section", "tag", "topic", "person", "org"};

std::vector<std::string>& filter_values(SearchRequest& r, std::string_view name) {
  if (name == "lang") return r.langs;
  if (name == "section") return r.sections;
  if (name == "tag") return r.tags;
  if (name == "topic") return r.topics;
  if (name == "person") return r.people;
  return r.orgs;
}
const std::vector<std::string>& filter_values(const SearchRequest& r, std::string_view name) {
  return filter_values(const_cast<SearchRequest&>(r), name);
}

std::string iso(const std::string& ymd) {
  return ymd.size() == 8 ? ymd.substr(0, 4) + "-" + ymd.substr(4, 2) + "-" + ymd.substr(6, 2) : ymd;
}

// What a link to the page carries; url() writes it back, defaults left out.
struct State {
  SearchRequest s;
  std::string ui;  // empty: Accept-Language decides

  explicit State(const PageRequest& r) : s(r.search), ui(r.ui_given ? ui_code(r.ui) : "") {}

  std::string url() const {
    std::string out;
    auto add = [&](std::string_view name, std::string_view value) {
      out += out.empty() ? "/?" : "&";
      out += name;
      out += '=';
      out += url_encode(value);
    };
    if (!s.q.empty()) add("q", s.q);
    for (const char* name : kFilterNames) {
      for (const std::string& v : filter_values(s, name)) add(name, v);
    }
    if (!s.from.empty()) add("from", iso(s.from));
    if (!s.to.empty()) add("to", iso(s.to));
    if (s.sort_given) add("sort", s.sort == Sort::relevance ? "relevance" : s.sort == Sort::date_desc ? "-date" : "date");
    if (s.page > 1) add("page", std::to_string(s.page));
    if (!ui.empty()) add("ui", ui);
    return out.empty() ? "/" : out;
  }
  // The same search with one filter value added, or removed if present; back to page 1.
  State toggled(std::string_view name, const std::string& value) const {
    State t = *this;
    t.s.page = 1;
    auto& v = filter_values(t.s, name);
    auto it = std::find(v.begin(), v.end(), value);
    if (it != v.end()) v.erase(it);
    else v.push_back(value);
    return t;
  }
  State with_year(const std::string& year, bool on) const {
    State t = *this;
    t.s.page = 1;
    t.s.from = on ? year + "0101" : "";
    t.s.to = on ? year + "1231" : "";
    return t;
  }
  State at_page(uint32_t page) const {
    State t = *this;
    t.s.page = page;
    return t;
  }
  State sorted(Sort sort) const {
    State t = *this;
    t.s.page = 1;
    t.s.sort = sort;
    t.s.sort_given = true;
    return t;
  }
  State with_query(const std::string& q) const {
    State t = *this;
    t.s.page = 1;
    t.s.q = q;
    return t;
  }
  State unfiltered() const {
    State t = *this;
    t.s.page = 1;
    for (const char* name : kFilterNames) filter_values(t.s, name).clear();
    t.s.from.clear();
    t.s.to.clear();
    return t;
  }
};

std::string esc(std::string_view s) { return escape_xml(s); }

std::string ui_suffix(UiLang ui, bool ui_given, char sep) {
  return ui_given ? std::string(1, sep) + "ui=" + ui_code(ui) : "";
}

// "20 апреля 2022", "20 April 2022", "2022 ж. 20 сәуір": ICU's long date in
// the interface language. One formatter per thread and language.
std::string display_date(const std::string& date, UiLang ui) {
  int y = 0, m = 0, d = 0;
  if (date.size() != 10 || std::sscanf(date.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return date;
  thread_local std::unique_ptr<icu::DateFormat> formats[kUiLangs];
  thread_local std::unique_ptr<icu::Calendar> calendar;
  UErrorCode status = U_ZERO_ERROR;
  auto& format = formats[static_cast<int>(ui)];
  if (!format) {
    format.reset(icu::DateFormat::createInstanceForSkeleton("yMMMMd", icu::Locale(ui_code(ui)), status));
    if (U_FAILURE(status) || !format) return date;
    format->adoptTimeZone(icu::TimeZone::createTimeZone("UTC"));
  }
  if (!calendar) {
    calendar = std::make_unique<icu::GregorianCalendar>(icu::TimeZone::createTimeZone("UTC"), status);
    if (U_FAILURE(status)) return date;
  }
  calendar->clear();
  calendar->set(y, m - 1, d, 12, 0, 0);
  const UDate when = calendar->getTime(status);
  if (U_FAILURE(status)) return date;
  icu::UnicodeString out;
  format->format(when, out);
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

const char* lang_badge(const std::string& lang) {
  if (lang == "ru") return "RU";
  if (lang == "en") return "EN";
  if (lang == "kk") return "KK";
  return "";
}

Msg facet_msg(std::string_view facet) {
  if (facet == "year") return Msg::facet_year;
  if (facet == "topic") return Msg::facet_topic;
  if (facet == "person") return Msg::facet_person;
  if (facet == "org") return Msg::facet_org;
  if (facet == "section") return Msg::facet_section;
  return Msg::facet_lang;
}

Msg error_msg(const std::string& code) {
  if (code == "bad_date") return Msg::err_bad_date;
  if (code == "query_too_long") return Msg::err_query_too_long;
  if (code == "page_out_of_range") return Msg::err_page;
  return Msg::err_generic;
}

// Kazakh letters that Russian does not have.
bool has_kazakh_letters(std::string_view s) {
  static const std::u32string kk = U"ӘәҒғҚқҢңӨөҰұҮүҺһІі";
  for (char32_t c : analysis::decode_utf8(s)) {
    if (kk.find(c) != std::u32string::npos) return true;
  }
  return false;
}

bool is_cyrillic(std::string_view s) {
  for (char32_t c : analysis::decode_utf8(s)) {
    if (c >= 0x400 && c <= 0x4FF) return true;
  }
  return false;
}

struct Html {
  std::string o;
  Html& operator<<(std::string_view s) {
    o += s;
    return *this;
  }
  Html& operator<<(const char* s) { return *this << std::string_view(s); }
  Html& operator<<(const std::string& s) { return *this << std::string_view(s); }
  template <typename N, typename = std::enable_if_t<std::is_integral_v<N>>>
  Html& operator<<(N n) {
    o += std::to_string(n);
    return *this;
  }
};

void page_head(Html& h, UiLang ui, bool ui_given, const std::string& title, const PageContext& ctx,
               const std::string& feed_url = {}) {
  const std::string v = esc(ctx.asset_version);
  h << "<!doctype html>\n<html lang=\"" << ui_code(ui) << "\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<title>" << esc(title) << "</title>\n"
    << "<link rel=\"stylesheet\" href=\"/assets/letopis.css?v=" << v << "\">\n"
    << "<link rel=\"icon\" type=\"image/svg+xml\" href=\"/assets/favicon.svg?v=" << v << "\">\n"
    << "<link rel=\"search\" type=\"application/opensearchdescription+xml\" title=\""
    << esc(text(ui, Msg::app_name)) << "\" href=\"/opensearch.xml?ui=" << ui_code(ui) << "\">\n";
  if (!feed_url.empty()) {
    h << "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"" << esc(text(ui, Msg::follow_feed))
      << "\" href=\"" << esc(feed_url) << "\">\n";
  }
  h << "<script src=\"/assets/letopis.js?v=" << v << "\" defer></script>\n</head>\n";
  // Strings the script needs, in the page's language.
  h << "<body data-ui=\"" << ui_code(ui) << "\"" << (ui_given ? " data-ui-given=\"1\"" : "")
    << " data-t-loading=\"" << esc(text(ui, Msg::loading)) << "\" data-t-no-related=\""
    << esc(text(ui, Msg::no_related)) << "\" data-t-person=\"" << esc(text(ui, Msg::kind_person))
    << "\" data-t-org=\"" << esc(text(ui, Msg::kind_org)) << "\" data-t-article=\""
    << esc(text(ui, Msg::kind_article)) << "\">\n"
    << "<a class=\"skip\" href=\"#results\">" << esc(text(ui, Msg::skip_to_results)) << "</a>\n";
}

// The masthead with the language switch; switch_url(lang) is where each leads.
template <typename SwitchUrl>
void masthead(Html& h, UiLang ui, bool ui_given, SwitchUrl switch_url) {
  h << "<header class=\"masthead\">\n<a class=\"brand\" href=\"/" << ui_suffix(ui, ui_given, '?') << "\">"
    << esc(text(ui, Msg::app_name)) << "</a>\n<span class=\"tagline\">" << esc(text(ui, Msg::tagline))
    << "</span>\n<nav class=\"ui-langs\" id=\"ui-langs\" aria-label=\"" << esc(text(ui, Msg::ui_lang_label))
    << "\"><ul>";
  static const std::pair<UiLang, const char*> langs[] = {
      {UiLang::ru, "Русский"}, {UiLang::kk, "Қазақша"}, {UiLang::en, "English"}};
  for (const auto& [lang, name] : langs) {
    h << "<li><a lang=\"" << ui_code(lang) << "\" hreflang=\"" << ui_code(lang) << "\" href=\""
      << esc(switch_url(lang)) << "\"" << (lang == ui ? " aria-current=\"true\"" : "") << ">" << name
      << "</a></li>";
  }
  h << "</ul></nav>\n</header>\n";
}

void footer(Html& h, UiLang ui) {
  h << "<footer class=\"footer\"><p>" << esc(text(ui, Msg::footer)) << " <a href=\"/api/search?q=\">"
    << esc(text(ui, Msg::api_link)) << "</a></p></footer>\n</body>\n</html>\n";
}

void search_form(Html& h, const PageRequest& r) {
  const UiLang ui = r.ui;
  const SearchRequest& s = r.search;
  h << "<form id=\"search-form\" class=\"search\" role=\"search\" action=\"/\" method=\"get\">\n"
    << "<label for=\"q\" class=\"visually-hidden\">" << esc(text(ui, Msg::search_label)) << "</label>\n"
    << "<div class=\"combo\"><input id=\"q\" name=\"q\" type=\"search\" value=\"" << esc(s.q)
    << "\" placeholder=\"" << esc(text(ui, Msg::search_placeholder))
    << "\" autocomplete=\"off\" spellcheck=\"false\" maxlength=\"1024\" enterkeyhint=\"search\""
    << " role=\"combobox\" aria-autocomplete=\"list\" aria-expanded=\"false\" aria-controls=\"suggest-list\">"
    << "<ul id=\"suggest-list\" class=\"suggest\" role=\"listbox\" aria-label=\""
    << esc(text(ui, Msg::search_label)) << "\" hidden></ul></div>\n"
    << "<button id=\"search-submit\" type=\"submit\">" << esc(text(ui, Msg::search_button)) << "</button>\n";
  // The filters in force ride along with a new query.
  for (const char* name : kFilterNames) {
    for (const std::string& v : filter_values(s, name)) {
      h << "<input type=\"hidden\" name=\"" << name << "\" value=\"" << esc(v) << "\">\n";
    }
  }
  if (s.sort_given) {
    h << "<input type=\"hidden\" name=\"sort\" value=\""
      << (s.sort == Sort::relevance ? "relevance" : s.sort == Sort::date_desc ? "-date" : "date") << "\">\n";
  }
  if (r.ui_given) h << "<input type=\"hidden\" name=\"ui\" value=\"" << ui_code(ui) << "\">\n";
  const std::string from = r.from_text.empty() ? iso(s.from) : r.from_text;
  const std::string to = r.to_text.empty() ? iso(s.to) : r.to_text;
  h << "<details class=\"dates\"" << (from.empty() && to.empty() ? "" : " open") << "><summary>"
    << esc(text(ui, Msg::date_range)) << "</summary>\n<div class=\"date-fields\">"
    << "<label for=\"from\">" << esc(text(ui, Msg::date_from)) << "</label> <input type=\"date\" id=\"from\" name=\"from\" value=\""
    << esc(from) << "\" min=\"1990-01-01\" max=\"2099-12-31\"> "
    << "<label for=\"to\">" << esc(text(ui, Msg::date_to)) << "</label> <input type=\"date\" id=\"to\" name=\"to\" value=\""
    << esc(to) << "\" min=\"1990-01-01\" max=\"2099-12-31\"> "
    << "<button type=\"submit\" class=\"secondary\">" << esc(text(ui, Msg::apply)) << "</button></div></details>\n"
    << "</form>\n";
}

void notices(Html& h, const PageRequest& r, const SearchResult& res) {
  const UiLang ui = r.ui;
  const State st(r);
  if (!res.corrected.empty()) {
    h << "<p class=\"notice\" id=\"corrected\">" << esc(text(ui, res.layout_corrected ? Msg::layout_fixed : Msg::showing_for))
      << " <strong>" << esc(res.corrected) << "</strong>. " << esc(text(ui, Msg::search_instead)) << " <a href=\""
      << esc(st.with_query("\"" + res.original + "\"").url()) << "\">" << esc(res.original) << "</a>.</p>\n";
  } else if (!res.suggestion.empty()) {
    h << "<p class=\"notice\" id=\"did-you-mean\">" << esc(text(ui, Msg::did_you_mean)) << " <a href=\""
      << esc(st.with_query(res.suggestion).url()) << "\">" << esc(res.suggestion) << "</a>?</p>\n";
  }
  if (!res.transliterated.empty()) {
    h << "<p class=\"notice\" id=\"transliterated\">" << esc(text(ui, Msg::also_searched));
    for (size_t i = 0; i < res.transliterated.size(); ++i) {
      h << (i ? ", " : " ") << "<strong>" << esc(res.transliterated[i]) << "</strong>";
    }
    h << ".</p>\n";
  }
  if (res.partial) h << "<p class=\"notice error\" id=\"partial\">" << esc(text(ui, Msg::partial)) << "</p>\n";
  if (res.relaxed && !res.hits.empty()) h << "<p class=\"notice\">" << esc(text(ui, Msg::relaxed)) << "</p>\n";
  if (res.filled) {
    h << "<p class=\"notice\" id=\"filled\">" << esc(count_text(ui, Msg::filled, res.all_words_total)) << "</p>\n";
  }
  if (res.fallback) h << "<p class=\"notice\">" << esc(text(ui, Msg::fallback)) << "</p>\n";
  if (res.timed_out) h << "<p class=\"notice\">" << esc(text(ui, Msg::timed_out)) << "</p>\n";
}

bool has_filters(const SearchRequest& s) {
  for (const char* name : kFilterNames) {
    if (!filter_values(s, name).empty()) return true;
  }
  return !s.from.empty() || !s.to.empty();
}

void active_filters(Html& h, const PageRequest& r, const PageContext& ctx) {
  const SearchRequest& s = r.search;
  if (!has_filters(s)) return;
  const UiLang ui = r.ui;
  const State st(r);
  h << "<div class=\"active-filters\" id=\"active-filters\"><span class=\"label\">" << esc(text(ui, Msg::active_filters))
    << ":</span> <ul>";
  auto chip = [&](const std::string& label, const std::string& href) {
    h << "<li><a class=\"chip\" href=\"" << esc(href) << "\" aria-label=\"" << esc(text(ui, Msg::remove_filter))
      << ": " << esc(label) << "\">" << esc(label) << " <span aria-hidden=\"true\">×</span></a></li>";
  };
  for (const char* name : kFilterNames) {
    const std::string facet = name;
    for (const std::string& v : filter_values(s, name)) {
      chip(ctx.labels ? ctx.labels->label(facet, v, ui) : v, st.toggled(name, v).url());
    }
  }
  if (!s.from.empty() || !s.to.empty()) {
    State t = st;
    t.s.from.clear();
    t.s.to.clear();
    t.s.page = 1;
    const std::string label = (s.from.empty() ? std::string("…") : display_date(iso(s.from), ui)) + " – " +
                              (s.to.empty() ? std::string("…") : display_date(iso(s.to), ui));
    chip(label, t.url());
  }
  h << "<li><a class=\"clear\" href=\"" << esc(st.unfiltered().url()) << "\">" << esc(text(ui, Msg::clear_filters))
    << "</a></li></ul></div>\n";
}

void facet_sidebar(Html& h, const PageRequest& r, const SearchResult& res, const PageContext& ctx) {
  const UiLang ui = r.ui;
  const State st(r);
  const SearchRequest& s = r.search;
  h << "<aside class=\"facets\" id=\"facets\" aria-labelledby=\"facets-title\">\n<h2 id=\"facets-title\">"
    << esc(text(ui, Msg::facets_title)) << "</h2>\n";
  for (const std::string& facet : page_facets()) {
    auto it = res.facets.find(facet);
    if (it == res.facets.end()) continue;
    std::vector<FacetValue> values = it->second;
    if (values.empty()) continue;
    if (facet == "year") {
      std::sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) { return a.value > b.value; });
    }
    h << "<section class=\"facet\" data-facet=\"" << facet << "\"><h3>" << esc(text(ui, facet_msg(facet)))
      << "</h3>\n<ul>";
    constexpr size_t kShown = 8;
    for (size_t i = 0; i < values.size(); ++i) {
      const FacetValue& fv = values[i];
      bool selected;
      State next = st;
      if (facet == "year") {
        selected = s.from == fv.value + "0101" && s.to == fv.value + "1231";
        next = st.with_year(fv.value, !selected);
      } else {
        const auto& chosen = filter_values(s, facet);
        selected = std::find(chosen.begin(), chosen.end(), fv.value) != chosen.end();
        next = st.toggled(facet, fv.value);
      }
      if (i == kShown) {
        h << "</ul>\n<details class=\"more\"><summary>" << esc(text(ui, Msg::more_values)) << "</summary><ul>";
      }
      const std::string label = facet == "year" || !ctx.labels ? fv.value : ctx.labels->label(facet, fv.value, ui);
      h << "<li><a class=\"facet-value" << (selected ? " selected" : "") << "\" href=\"" << esc(next.url())
        << "\" data-value=\"" << esc(fv.value) << "\" data-selected=\"" << (selected ? "true" : "false") << "\"";
      if (facet == "lang") h << " lang=\"" << esc(fv.value) << "\"";
      if (selected) h << " aria-label=\"" << esc(text(ui, Msg::remove_filter)) << ": " << esc(label) << "\"";
      h << "><span class=\"box\" aria-hidden=\"true\"></span><span class=\"name\">" << esc(label)
        << "</span> <span class=\"count\">" << fv.count << "</span></a></li>";
    }
    h << (values.size() > kShown ? "</ul></details>" : "</ul>") << "</section>\n";
  }
  h << "</aside>\n";
}

// divider: the first hit of a filled page without every word (SearchResult::filled).
void hit_card(Html& h, const Hit& hit, UiLang ui, bool ui_given, const PageContext& ctx, const State& st,
              bool snippet, bool divider = false) {
  h << "<li class=\"hit" << (hit.some_words ? " some-words" : "") << "\" data-id=\"" << esc(hit.id) << "\">";
  if (divider) h << "<p class=\"divider\" id=\"some-words\">" << esc(text(ui, Msg::some_words_below)) << "</p>";
  h << "<article>";
  const std::string href = safe_href(hit.url);
  const std::string lang_attr = hit.lang.empty() ? "" : " lang=\"" + esc(hit.lang) + "\"";
  h << "<h3 class=\"hit-title\"" << lang_attr << ">";
  if (!href.empty()) h << "<a href=\"" << esc(href) << "\">" << esc(hit.title) << "</a>";
  else h << "<span>" << esc(hit.title) << "</span>";
  h << "</h3>\n<p class=\"hit-meta\">";
  if (hit.date.empty()) h << "<span class=\"hit-date\">" << esc(text(ui, Msg::no_date)) << "</span>";
  else h << "<time class=\"hit-date\" datetime=\"" << esc(hit.date) << "\">" << esc(display_date(hit.date, ui)) << "</time>";
  if (*lang_badge(hit.lang)) {
    const std::string name = ctx.labels ? ctx.labels->label("lang", hit.lang, ui) : hit.lang;
    h << " <span class=\"badge hit-lang\" title=\"" << esc(name) << "\"><span class=\"visually-hidden\">" << esc(name)
      << "</span><span aria-hidden=\"true\">" << lang_badge(hit.lang) << "</span></span>";
  }
  if (!hit.section.empty()) {
    h << " <span class=\"hit-section\">" << esc(ctx.labels ? ctx.labels->label("section", hit.section, ui) : hit.section)
      << "</span>";
  }
  h << "</p>\n";
  if (!hit.missing.empty()) {
    h << "<p class=\"hit-missing\">" << esc(text(ui, Msg::missing));
    for (const std::string& w : hit.missing) h << " <s>" << esc(w) << "</s>";
    h << "</p>\n";
  }
  if (snippet && !hit.snippet.empty()) {
    // The snippet is escaped text with <mark> around matches (search.h).
    h << "<p class=\"hit-snippet\"" << lang_attr << ">" << hit.snippet << "</p>\n";
  }
  h << "<p class=\"hit-actions\">";
  size_t shown = 0;
  for (const std::string& tag : hit.tags) {
    if (shown == 4) break;
    if (tag.find(':') != std::string::npos) continue;  // machine tags (event:, translation:)
    ++shown;
    h << "<a class=\"tag\" href=\"" << esc(st.unfiltered().with_query("").toggled("tag", tag).url()) << "\"" << lang_attr
      << ">#" << esc(tag) << "</a> ";
  }
  h << "<a class=\"hit-related\" href=\"/related/" << esc(url_encode(hit.id)) << ui_suffix(ui, ui_given, '?')
    << "\" data-id=\"" << esc(hit.id) << "\" aria-expanded=\"false\">" << esc(text(ui, Msg::related)) << "</a></p>\n";
  h << "</article></li>\n";
}

void pagination(Html& h, const PageRequest& r, const SearchResult& res, const ApiLimits& limits) {
  const UiLang ui = r.ui;
  const State st(r);
  const uint32_t page = r.search.page;
  uint64_t last = (res.total + kPageSize - 1) / kPageSize;
  last = std::min<uint64_t>({last, limits.max_page, limits.max_offset / kPageSize});
  if (last <= 1) return;
  h << "<nav class=\"pagination\" id=\"pagination\" aria-label=\"" << esc(text(ui, Msg::pagination_label)) << "\"><ul>";
  if (page > 1) {
    h << "<li><a rel=\"prev\" href=\"" << esc(st.at_page(page - 1).url()) << "\">← " << esc(text(ui, Msg::prev))
      << "</a></li>";
  }
  std::set<uint64_t> pages = {1, last};
  for (int64_t p = static_cast<int64_t>(page) - 2; p <= static_cast<int64_t>(page) + 2; ++p) {
    if (p >= 1 && static_cast<uint64_t>(p) <= last) pages.insert(static_cast<uint64_t>(p));
  }
  uint64_t prev = 0;
  for (uint64_t p : pages) {
    if (prev && p > prev + 1) h << "<li class=\"gap\" aria-hidden=\"true\">…</li>";
    prev = p;
    const std::string label = fill(ui, Msg::page_n, "n", std::to_string(p));
    if (p == page) {
      h << "<li><a aria-current=\"page\" href=\"" << esc(st.at_page(static_cast<uint32_t>(p)).url()) << "\" aria-label=\""
        << esc(label) << "\">" << p << "</a></li>";
    } else {
      h << "<li><a href=\"" << esc(st.at_page(static_cast<uint32_t>(p)).url()) << "\" aria-label=\"" << esc(label)
        << "\">" << p << "</a></li>";
    }
  }
  if (page < last) {
    h << "<li><a rel=\"next\" href=\"" << esc(st.at_page(page + 1).url()) << "\">" << esc(text(ui, Msg::next))
      << " →</a></li>";
  }
  h << "</ul></nav>\n";
}

void empty_state(Html& h, const PageRequest& r) {
  const UiLang ui = r.ui;
  const State st(r);
  const SearchRequest& s = r.search;
  h << "<div class=\"empty\" id=\"empty\"><p class=\"empty-title\">";
  if (s.q.empty()) h << esc(text(ui, Msg::nothing_filtered));
  else h << esc(fill(ui, Msg::nothing_found, "q", s.q));
  h << "</p>\n<p>" << esc(text(ui, Msg::tips_title)) << "</p><ul>";
  if (!s.q.empty()) {
    h << "<li>" << esc(text(ui, Msg::tip_spelling)) << "</li><li>" << esc(text(ui, Msg::tip_fewer)) << "</li>";
  }
  if (has_filters(s)) {
    h << "<li><a href=\"" << esc(st.unfiltered().url()) << "\">" << esc(text(ui, Msg::tip_filters)) << "</a></li>";
  }
  h << "<li>" << esc(text(ui, Msg::tip_other_lang)) << "</li></ul></div>\n";
}

std::string feed_url(const State& st, const char* format) {
  State t = st;
  t.s.page = 1;
  t.ui.clear();
  std::string u = t.url();
  return "/api/search" + (u == "/" ? std::string("?") : u.substr(1) + "&") + "format=" + format;
}

}  // namespace

std::string safe_href(std::string_view url) {
  auto starts = [&](std::string_view p) {
    if (url.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(url[i])) != p[i]) return false;
    }
    return true;
  };
  if (!starts("https://") && !starts("http://")) return {};
  for (char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == ' ') return {};
  }
  return std::string(url);
}

PageRequest parse_page_request(const Params& params, const ApiLimits& limits, std::string_view accept_language) {
  static const std::set<std::string> known = {"q",    "lang", "section", "tag",  "topic", "person",
                                              "org",  "from", "to",      "sort", "page"};
  static const std::set<std::string> single = {"q", "from", "to", "sort", "page"};
  PageRequest r;
  std::string ui_param;
  Params kept;
  std::set<std::string> seen;
  std::map<std::string, size_t> per_filter;
  size_t filter_bytes = 0;
  for (const auto& [name, value] : params) {
    if (name == "ui") {
      if (ui_param.empty()) ui_param = value.substr(0, 8);
      continue;
    }
    if (!known.count(name) || value.empty()) continue;
    if (single.count(name) && !seen.insert(name).second) continue;
    // Every link on the page repeats its state: a page keeps at most
    // kPageFilterValues values of a filter and kPageStateBytes of filters,
    // so that a long URL cannot make a page of megabytes.
    if (!single.count(name)) {
      if (++per_filter[name] > kPageFilterValues || filter_bytes + value.size() > kPageStateBytes) continue;
      filter_bytes += value.size();
    }
    if (name == "from") r.from_text = value.substr(0, 32);
    if (name == "to") r.to_text = value.substr(0, 32);
    kept.emplace_back(name, value);
  }
  r.ui = choose_ui_lang(ui_param, accept_language.substr(0, 512));
  UiLang named;
  r.ui_given = parse_ui_code(ui_param, named);
  if (!valid_text(r.from_text)) r.from_text.clear();
  if (!valid_text(r.to_text)) r.to_text.clear();
  if (kept.size() > limits.max_params) kept.resize(limits.max_params);
  try {
    r.search = parse_search_request(kept, limits);
  } catch (const ApiError& e) {
    r.error = e.code;
    // Keep what is valid so that the form comes back filled in.
    Params rest;
    for (const auto& p : kept) {
      if (p.first == "from" || p.first == "to" || p.first == "page") continue;
      if (p.first == "q" && (p.second.size() > limits.max_query_bytes || !valid_text(p.second))) continue;
      rest.push_back(p);
    }
    try {
      r.search = parse_search_request(rest, limits);
    } catch (const ApiError&) {
      r.search = SearchRequest{};
    }
  }
  r.search.per_page = kPageSize;
  r.search.facets = page_facets();
  r.search.facets_given = true;
  r.search.format = "html";
  // With nothing to rank by, the newest come first.
  if (r.search.q.empty() && !r.search.sort_given) r.search.sort = Sort::date_desc;
  return r;
}

bool without_own_filter(SearchRequest& r, const std::string& facet) {
  if (facet == "year") {
    const bool one_year = r.from.size() == 8 && r.to.size() == 8 && r.from.compare(0, 4, r.to, 0, 4) == 0 &&
                          r.from.compare(4, 4, "0101") == 0 && r.to.compare(4, 4, "1231") == 0;
    if (!one_year) return false;
    r.from.clear();
    r.to.clear();
  } else if (std::find(std::begin(kFilterNames), std::end(kFilterNames), facet) != std::end(kFilterNames)) {
    auto& values = filter_values(r, facet);
    if (values.empty()) return false;
    values.clear();
  } else {
    return false;
  }
  r.facets = {facet};
  r.page = 1;
  r.per_page = 1;
  r.sort = Sort::relevance;
  return true;
}

FacetLabels FacetLabels::from_metadata(std::string_view taxonomy_json, std::string_view gazetteer_json) {
  FacetLabels labels;
  const json tax = json::parse(taxonomy_json, nullptr, false);
  if (tax.is_object() && tax.contains("topics") && tax["topics"].is_array()) {
    for (const json& t : tax["topics"]) {
      if (!t.is_object() || !t.contains("id") || !t["id"].is_string() || !t.contains("label")) continue;
      const json& l = t["label"];
      if (!l.is_object()) continue;
      std::array<std::string, kUiLangs> names;
      for (int i = 0; i < kUiLangs; ++i) {
        const char* code = ui_code(static_cast<UiLang>(i));
        if (l.contains(code) && l[code].is_string()) names[i] = l[code].get<std::string>();
      }
      labels.topics_[t["id"].get<std::string>()] = names;
    }
  }
  const json gaz = json::parse(gazetteer_json, nullptr, false);
  if (gaz.is_object()) {
    for (const char* kind : {"people", "orgs"}) {
      if (!gaz.contains(kind) || !gaz[kind].is_array()) continue;
      for (const json& e : gaz[kind]) {
        if (!e.is_object() || !e.contains("id") || !e["id"].is_string() || !e.contains("aliases") ||
            !e["aliases"].is_array()) {
          continue;
        }
        std::array<std::string, kUiLangs> names;
        names[static_cast<int>(UiLang::en)] = e["id"].get<std::string>();
        for (const json& a : e["aliases"]) {
          std::string alias = a.is_string() ? a.get<std::string>()
                              : a.is_object() && a.contains("text") && a["text"].is_string() ? a["text"].get<std::string>()
                                                                                             : std::string();
          if (alias.empty() || !is_cyrillic(alias)) continue;
          const int slot = static_cast<int>(has_kazakh_letters(alias) ? UiLang::kk : UiLang::ru);
          if (names[slot].empty()) names[slot] = alias;
        }
        // Kazakh readers read the Russian form where there is no Kazakh one.
        auto& kk = names[static_cast<int>(UiLang::kk)];
        if (kk.empty()) kk = names[static_cast<int>(UiLang::ru)];
        labels.names_[e["id"].get<std::string>()] = names;
      }
    }
  }
  return labels;
}

std::string FacetLabels::label(std::string_view facet, const std::string& value, UiLang ui) const {
  if (facet == "lang") {
    if (value == "ru") return text(ui, Msg::lang_ru);
    if (value == "en") return text(ui, Msg::lang_en);
    if (value == "kk") return text(ui, Msg::lang_kk);
    return value;
  }
  if (facet == "section") {
    static const std::pair<const char*, Msg> sections[] = {{"news", Msg::section_news},
                                                           {"events", Msg::section_events},
                                                           {"analytics", Msg::section_analytics},
                                                           {"interviews", Msg::section_interviews},
                                                           {"press-releases", Msg::section_press_releases}};
    for (const auto& [id, msg] : sections) {
      if (value == id) return text(ui, msg);
    }
    return value;
  }
  const auto* map = facet == "topic" ? &topics_ : (facet == "person" || facet == "org") ? &names_ : nullptr;
  if (!map) return value;
  auto it = map->find(value);
  if (it == map->end() || it->second[static_cast<int>(ui)].empty()) return value;
  return it->second[static_cast<int>(ui)];
}

std::string render_search_page(const PageRequest& r, const SearchResult* res, const PageContext& ctx,
                               bool unavailable) {
  const UiLang ui = r.ui;
  const SearchRequest& s = r.search;
  const State st(r);
  Html h;
  std::string title = s.q.empty() ? std::string(text(ui, Msg::tagline)) : s.q;
  title += std::string(" — ") + text(ui, Msg::app_name);
  page_head(h, ui, r.ui_given, title, ctx, r.error.empty() ? feed_url(st, "atom") : std::string());
  masthead(h, ui, r.ui_given, [&](UiLang lang) {
    State t = st;
    t.ui = ui_code(lang);
    return t.url();
  });
  search_form(h, r);
  h << "<main id=\"main\">\n";
  if (!r.error.empty()) {
    h << "<div class=\"notice error\" role=\"alert\" id=\"error\"><h2>" << esc(text(ui, Msg::error_title)) << "</h2><p>"
      << esc(text(ui, error_msg(r.error))) << "</p></div>\n";
  } else if (unavailable || !res) {
    h << "<div class=\"notice error\" role=\"alert\" id=\"error\"><p>" << esc(text(ui, Msg::err_unavailable))
      << "</p></div>\n";
  }
  if (res) {
    notices(h, r, *res);
    h << "<div class=\"layout\">\n";
    facet_sidebar(h, r, *res, ctx);
    h << "<section class=\"results\" id=\"results\" tabindex=\"-1\" aria-labelledby=\"results-title\">\n"
      << "<h2 id=\"results-title\"" << (s.q.empty() ? "" : " class=\"visually-hidden\"") << ">"
      << esc(text(ui, s.q.empty() ? Msg::latest : Msg::results_heading)) << "</h2>\n"
      << "<div class=\"summary\"><p id=\"result-count\" role=\"status\">"
      << esc(count_text(ui, res->total_exact ? Msg::results_exact : Msg::results_about, res->total));
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", res->took_ms);
    h << " <span class=\"took\">(" << esc(fill(ui, Msg::took_ms, "ms", ms)) << ")</span></p>\n";
    if (!s.q.empty()) {
      const bool newest = s.sort == Sort::date_desc;
      h << "<nav class=\"sort\" id=\"sort\" aria-label=\"" << esc(text(ui, Msg::sort_label)) << "\"><ul>"
        << "<li><a href=\"" << esc(st.sorted(Sort::relevance).url()) << "\"" << (newest ? "" : " aria-current=\"true\"")
        << ">" << esc(text(ui, Msg::sort_relevance)) << "</a></li><li><a href=\""
        << esc(st.sorted(Sort::date_desc).url()) << "\"" << (newest ? " aria-current=\"true\"" : "") << ">"
        << esc(text(ui, Msg::sort_newest)) << "</a></li></ul></nav>\n";
    }
    h << "</div>\n";
    active_filters(h, r, ctx);
    if (res->hits.empty()) {
      empty_state(h, r);
    } else {
      h << "<ol class=\"hits\" id=\"hits\" start=\"" << (s.page - 1) * kPageSize + 1 << "\">\n";
      bool divided = false;
      for (const Hit& hit : res->hits) {
        hit_card(h, hit, ui, r.ui_given, ctx, st, true, hit.some_words && !divided);
        divided = divided || hit.some_words;
      }
      h << "</ol>\n";
      pagination(h, r, *res, ctx.limits);
      h << "<p class=\"feeds\"><a href=\"" << esc(feed_url(st, "atom")) << "\">" << esc(text(ui, Msg::follow_feed))
        << "</a> · <a href=\"" << esc(feed_url(st, "csv")) << "\">" << esc(text(ui, Msg::export_csv)) << "</a></p>\n";
    }
    h << "</section>\n</div>\n";
  }
  h << "</main>\n";
  footer(h, ui);
  return std::move(h.o);
}

std::string render_related_page(UiLang ui, bool ui_given, const Article& source, const std::vector<Hit>& hits,
                                const PageContext& ctx) {
  Html h;
  const std::string heading = fill(ui, Msg::related_to, "title", source.title);
  page_head(h, ui, ui_given, heading + " — " + text(ui, Msg::app_name), ctx);
  masthead(h, ui, ui_given, [&](UiLang lang) { return "/related/" + url_encode(source.id) + "?ui=" + ui_code(lang); });
  PageRequest blank;
  blank.ui = ui;
  blank.ui_given = ui_given;
  search_form(h, blank);
  const State st(blank);
  h << "<main id=\"main\">\n<section class=\"results\" id=\"results\" tabindex=\"-1\" aria-labelledby=\"results-title\">\n"
    << "<h2 id=\"results-title\">" << esc(heading) << "</h2>\n";
  if (hits.empty()) {
    h << "<p class=\"empty\">" << esc(text(ui, Msg::no_related)) << "</p>\n";
  } else {
    h << "<ol class=\"hits\" id=\"hits\">\n";
    for (const Hit& hit : hits) hit_card(h, hit, ui, ui_given, ctx, st, false);
    h << "</ol>\n";
  }
  h << "<p><a href=\"/" << ui_suffix(ui, ui_given, '?') << "\">← " << esc(text(ui, Msg::back_to_search))
    << "</a></p>\n</section>\n</main>\n";
  footer(h, ui);
  return std::move(h.o);
}

std::string render_message_page(UiLang ui, bool ui_given, Msg title, Msg message, const PageContext& ctx) {
  Html h;
  page_head(h, ui, ui_given, std::string(text(ui, title)) + " — " + text(ui, Msg::app_name), ctx);
  masthead(h, ui, ui_given, [](UiLang lang) { return std::string("/?ui=") + ui_code(lang); });
  PageRequest blank;
  blank.ui = ui;
  blank.ui_given = ui_given;
  search_form(h, blank);
  h << "<main id=\"main\"><section class=\"results\" id=\"results\" tabindex=\"-1\"><h2>" << esc(text(ui, title))
    << "</h2><p>" << esc(text(ui, message)) << "</p></section></main>\n";
  footer(h, ui);
  return std::move(h.o);
}

std::string render_opensearch_xml(UiLang ui, const std::string& base_url) {
  const std::string base = esc(base_url);
  const std::string lang = ui_code(ui);
  std::string o;
  o += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n";
  o += "  <ShortName>" + esc(text(ui, Msg::app_name)) + "</ShortName>\n";
  o += "  <Description>" + esc(text(ui, Msg::opensearch_description)) + "</Description>\n";
  o += "  <InputEncoding>UTF-8</InputEncoding>\n  <OutputEncoding>UTF-8</OutputEncoding>\n";
  o += "  <Language>" + lang + "</Language>\n";
  o += "  <Image width=\"16\" height=\"16\" type=\"image/svg+xml\">" + base + "/assets/favicon.svg</Image>\n";
  o += "  <Url type=\"text/html\" method=\"get\" template=\"" + base + "/?q={searchTerms}&amp;ui=" + lang + "\"/>\n";
  o += "  <Url type=\"application/x-suggestions+json\" method=\"get\" template=\"" + base +
       "/api/suggest?q={searchTerms}&amp;format=opensearch&amp;ui=" + lang + "\"/>\n";
  o += "  <Url type=\"application/atom+xml\" method=\"get\" template=\"" + base +
       "/api/search?q={searchTerms}&amp;format=atom\"/>\n";
  o += "  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" template=\"" + base +
       "/opensearch.xml?ui=" + lang + "\"/>\n";
  o += "</OpenSearchDescription>\n";
  return o;
}

std::string render_opensearch_suggestions(const std::string& q, const Suggestions& s, UiLang ui) {
  json completions = json::array(), descriptions = json::array(), urls = json::array();
  std::set<std::string> seen;
  auto add = [&](const std::string& completion, const std::string& description, const std::string& url) {
    if (!seen.insert(completion).second) return;
    completions.push_back(completion);
    descriptions.push_back(description);
    urls.push_back(url);
  };
  for (const auto& t : s.terms) add(t.text, "", "");
  for (const auto& e : s.entities) add(e.name, text(ui, e.person ? Msg::kind_person : Msg::kind_org), "");
  for (const auto& h : s.titles) add(h.title, h.date, safe_href(h.url));
  return json::array({q, completions, descriptions, urls}).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace letopis::searchd
