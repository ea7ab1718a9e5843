// The visitor page's words in its three interface languages, and the choice
// of language for a request. Pure; thread-safe.
//
// Every message has a text in every language: ui_text.cpp checks the table at
// compile time, so a message added without its translations does not build.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace letopis::searchd {

enum class UiLang { ru, en, kk };
inline constexpr int kUiLangs = 3;

// "ru", "en", "kk".
const char* ui_code(UiLang ui);
// The language named by a code ("ru", "en", "kk"; "kz" too), or false.
bool parse_ui_code(std::string_view code, UiLang& out);

// The interface language for a request: ?ui= if it names one, else the
// Accept-Language header's most preferred of ours (q-values honoured; the
// first 32 entries only), else Russian, the archive's main language.
UiLang choose_ui_lang(std::string_view ui_param, std::string_view accept_language);

enum class Msg : int {
  app_name, tagline, skip_to_results, search_label, search_placeholder, search_button,
  date_range, date_from, date_to, apply, sort_label, sort_relevance, sort_newest,
  results_exact, results_about, took_ms, latest, results_heading,
  showing_for, search_instead, layout_fixed, did_you_mean, relaxed, filled, some_words_below, missing, fallback, timed_out,
  nothing_found, nothing_filtered, tips_title, tip_spelling, tip_fewer, tip_filters, tip_other_lang,
  facets_title, facet_year, facet_topic, facet_person, facet_org, facet_section, facet_lang, more_values,
  active_filters, remove_filter, clear_filters,
  lang_ru, lang_en, lang_kk,
  section_news, section_events, section_analytics, section_interviews, section_press_releases,
  no_date, related, related_to, no_related, loading, back_to_search,
  prev, next, pagination_label, page_n, ui_lang_label, follow_feed, export_csv, footer, api_link,
  error_title, err_bad_date, err_query_too_long, err_page, err_generic, err_unavailable,
  not_found_title, not_found_text, article_not_found,
  kind_person, kind_org, kind_article, opensearch_description, also_searched, partial,
  count  // not a message
};

// The text of m in ui. Placeholders: {q}, {n}, {title}, {ms}; results_exact,
// results_about and filled are ICU MessageFormat plural patterns (use
// count_text).
const char* text(UiLang ui, Msg m);

// results_exact, results_about or filled for n, with the language's plural forms and
// digit grouping, e.g. "1 234 результата", "about 2 results".
std::string count_text(UiLang ui, Msg m, uint64_t n);

// text(ui, m) with each {name} replaced by value (inserted as given: escape
// it first when the result is HTML).
std::string fill(UiLang ui, Msg m, std::string_view name, std::string_view value);

}  // namespace letopis::searchd
