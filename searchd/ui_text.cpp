#include "searchd/ui_text.h"

#include <unicode/msgfmt.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace letopis::searchd {
namespace {

struct Entry {
  Msg msg;
  const char* en;
  const char* ru;
  const char* kk;
};

// One row per message, its three languages side by side.
constexpr Entry kTable[] = {
    {Msg::app_name, "Letopis", "Летопись", "Летопись"},
    {Msg::tagline, "Search the news archive", "Поиск по архиву новостей", "Жаңалықтар мұрағатынан іздеу"},
    {Msg::skip_to_results, "Skip to results", "Перейти к результатам", "Нәтижелерге өту"},
    {Msg::search_label, "Search the news archive", "Поиск по архиву новостей", "Жаңалықтар мұрағатынан іздеу"},
    {Msg::search_placeholder, "Meetings, people, topics…", "Встречи, люди, темы…", "Кездесулер, адамдар, тақырыптар…"},
    {Msg::search_button, "Search", "Найти", "Іздеу"},
    {Msg::date_range, "Dates", "Период", "Кезең"},
    {Msg::date_from, "From", "С", "Басы"},
    {Msg::date_to, "To", "По", "Соңы"},
    {Msg::apply, "Apply", "Применить", "Қолдану"},
    {Msg::sort_label, "Sort", "Сортировка", "Сұрыптау"},
    {Msg::sort_relevance, "Most relevant", "По релевантности", "Сәйкестігі бойынша"},
    {Msg::sort_newest, "Newest first", "Сначала новые", "Алдымен жаңалары"},
    {Msg::results_exact, "{0, plural, one{# result} other{# results}}",
     "{0, plural, one{# результат} few{# результата} many{# результатов} other{# результата}}",
     "{0, plural, other{# нәтиже}}"},
    {Msg::results_about, "{0, plural, one{about # result} other{about # results}}",
     "{0, plural, one{около # результата} other{около # результатов}}", "{0, plural, other{шамамен # нәтиже}}"},
    {Msg::took_ms, "{ms} ms", "{ms} мс", "{ms} мс"},
    {Msg::latest, "Latest articles", "Последние материалы", "Соңғы материалдар"},
    {Msg::results_heading, "Results", "Результаты", "Нәтижелер"},
    {Msg::showing_for, "Showing results for", "Показаны результаты по запросу", "Мына сұрау бойынша нәтижелер:"},
    {Msg::search_instead, "Search instead for", "Искать именно", "Жазылғандай іздеу:"},
    {Msg::layout_fixed, "The keyboard layout looked wrong, so we searched for",
     "Похоже, была включена другая раскладка клавиатуры. Мы искали",
     "Пернетақта тілі басқа болған сияқты. Біз мынаны іздедік:"},
    {Msg::did_you_mean, "Did you mean", "Возможно, вы имели в виду", "Мүмкін, сіз мынаны іздедіңіз:"},
    {Msg::relaxed, "No article has all the words; these have some of them.",
     "Ни в одной статье нет всех слов запроса; показаны статьи с частью слов.",
     "Барлық сөз кездесетін мақала жоқ; сөздердің бір бөлігі бар мақалалар көрсетілді."},
    {Msg::filled,
     "{0, plural, one{Only # article has all the words; the ones after it have some of them.} "
     "other{Only # articles have all the words; the ones after them have some of them.}}",
     "{0, plural, one{Все слова запроса есть только в # статье; следующие содержат часть слов.} "
     "other{Все слова запроса есть только в # статьях; следующие содержат часть слов.}}",
     "{0, plural, other{Барлық сөз тек # мақалада бар; келесілерінде сөздердің бір бөлігі ғана бар.}}"},
    {Msg::some_words_below, "Articles with some of the words", "Статьи с частью слов запроса",
     "Сөздердің бір бөлігі бар мақалалар"},
    {Msg::missing, "Missing:", "Не найдено:", "Табылмады:"},
    {Msg::fallback, "The query syntax was not understood, so its words were searched as plain words.",
     "Синтаксис запроса не распознан, поэтому поиск выполнен по отдельным словам.",
     "Сұрау синтаксисі танылмады, сондықтан жеке сөздер бойынша ізделді."},
    {Msg::timed_out, "The search took too long; the count may be incomplete.",
     "Поиск занял слишком много времени; число результатов может быть неполным.",
     "Іздеу тым ұзаққа созылды; нәтижелер саны толық болмауы мүмкін."},
    {Msg::nothing_found, "Nothing was found for «{q}».", "По запросу «{q}» ничего не найдено.",
     "«{q}» бойынша ештеңе табылмады."},
    {Msg::nothing_filtered, "Nothing was found with these filters.", "С такими фильтрами ничего не найдено.",
     "Осы сүзгілермен ештеңе табылмады."},
    {Msg::tips_title, "You could try:", "Что можно сделать:", "Былай істеп көріңіз:"},
    {Msg::tip_spelling, "check the spelling and the keyboard layout", "проверьте написание и раскладку клавиатуры",
     "жазылуын және пернетақта тілін тексеріңіз"},
    {Msg::tip_fewer, "use fewer or more general words", "используйте меньше слов или более общие слова",
     "азырақ немесе жалпылама сөздерді қолданыңыз"},
    {Msg::tip_filters, "search without the filters and dates", "ищите без фильтров и дат",
     "сүзгілер мен күндерсіз іздеңіз"},
    {Msg::tip_other_lang, "try the words in another language: the archive is in Russian, English and Kazakh",
     "попробуйте слова на другом языке: в архиве есть материалы на русском, английском и казахском",
     "сөздерді басқа тілде жазып көріңіз: мұрағатта орыс, ағылшын және қазақ тілдеріндегі материалдар бар"},
    {Msg::facets_title, "Refine", "Уточнить", "Нақтылау"},
    {Msg::facet_year, "Year", "Год", "Жыл"},
    {Msg::facet_topic, "Topic", "Тема", "Тақырып"},
    {Msg::facet_person, "People", "Персоны", "Тұлғалар"},
    {Msg::facet_org, "Organisations", "Организации", "Ұйымдар"},
    {Msg::facet_section, "Section", "Раздел", "Бөлім"},
    {Msg::facet_lang, "Language", "Язык", "Тіл"},
    {Msg::more_values, "More", "Ещё", "Тағы"},
    {Msg::active_filters, "Filters", "Фильтры", "Сүзгілер"},
    {Msg::remove_filter, "Remove filter", "Убрать фильтр", "Сүзгіні алып тастау"},
    {Msg::clear_filters, "Clear all", "Сбросить все", "Барлығын тазарту"},
    {Msg::lang_ru, "Russian", "Русский", "Орыс тілі"},
    {Msg::lang_en, "English", "Английский", "Ағылшын тілі"},
    {Msg::lang_kk, "Kazakh", "Казахский", "Қазақ тілі"},
    {Msg::section_news, "News", "Новости", "Жаңалықтар"},
    {Msg::section_events, "Events", "События", "Іс-шаралар"},
    {Msg::section_analytics, "Analysis", "Аналитика", "Талдау"},
    {Msg::section_interviews, "Interviews", "Интервью", "Сұхбаттар"},
    {Msg::section_press_releases, "Press releases", "Пресс-релизы", "Баспасөз хабарламалары"},
    {Msg::no_date, "Date unknown", "Дата не указана", "Күні белгісіз"},
    {Msg::related, "Related articles", "Похожие материалы", "Ұқсас материалдар"},
    {Msg::related_to, "Articles related to «{title}»", "Материалы, похожие на «{title}»",
     "«{title}» материалына ұқсас материалдар"},
    {Msg::no_related, "No related articles were found.", "Похожих материалов не найдено.",
     "Ұқсас материалдар табылмады."},
    {Msg::loading, "Loading…", "Загрузка…", "Жүктелуде…"},
    {Msg::back_to_search, "Back to search", "Вернуться к поиску", "Іздеуге оралу"},
    {Msg::prev, "Previous", "Назад", "Алдыңғы"},
    {Msg::next, "Next", "Дальше", "Келесі"},
    {Msg::pagination_label, "Result pages", "Страницы результатов", "Нәтижелер беттері"},
    {Msg::page_n, "Page {n}", "Страница {n}", "{n}-бет"},
    {Msg::ui_lang_label, "Interface language", "Язык интерфейса", "Интерфейс тілі"},
    {Msg::follow_feed, "Follow this search (Atom feed)", "Подписаться на этот поиск (Atom)",
     "Осы іздеуге жазылу (Atom)"},
    {Msg::export_csv, "Download the results (CSV)", "Скачать результаты (CSV)", "Нәтижелерді жүктеу (CSV)"},
    {Msg::footer, "Letopis searches the archive in Russian, English and Kazakh.",
     "Летопись ищет по архиву на русском, английском и казахском языках.",
     "Летопись мұрағаттан орыс, ағылшын және қазақ тілдерінде іздейді."},
    {Msg::api_link, "JSON API", "JSON API", "JSON API"},
    {Msg::error_title, "The search could not be run", "Не удалось выполнить поиск", "Іздеуді орындау мүмкін болмады"},
    {Msg::err_bad_date, "Check the dates: write them like 2022-04-20 or 20.04.2022, the first before the last.",
     "Проверьте даты: укажите их в виде 2022-04-20 или 20.04.2022, начальную раньше конечной.",
     "Күндерді тексеріңіз: 2022-04-20 немесе 20.04.2022 түрінде жазыңыз, басы соңынан бұрын болсын."},
    {Msg::err_query_too_long, "The query is too long. Shorten it and try again.",
     "Запрос слишком длинный. Сократите его и попробуйте снова.",
     "Сұрау тым ұзын. Оны қысқартып, қайталап көріңіз."},
    {Msg::err_page, "That page of results is not available. Narrow the search instead.",
     "Эта страница результатов недоступна. Уточните запрос.",
     "Нәтижелердің бұл беті қолжетімсіз. Сұрауды нақтылаңыз."},
    {Msg::err_generic, "The request could not be understood.", "Запрос не удалось разобрать.",
     "Сұрауды түсіну мүмкін болмады."},
    {Msg::err_unavailable, "Search is starting or being updated. Try again in a moment.",
     "Поиск запускается или обновляется. Попробуйте через минуту.",
     "Іздеу іске қосылып не жаңартылып жатыр. Біраздан соң қайталап көріңіз."},
    {Msg::not_found_title, "Page not found", "Страница не найдена", "Бет табылмады"},
    {Msg::not_found_text, "There is nothing at this address. Try a search instead.",
     "По этому адресу ничего нет. Воспользуйтесь поиском.", "Бұл мекенжайда ештеңе жоқ. Іздеуді пайдаланыңыз."},
    {Msg::article_not_found, "That article is not in the archive.", "Этой статьи нет в архиве.",
     "Бұл материал мұрағатта жоқ."},
    {Msg::kind_person, "person", "персона", "тұлға"},
    {Msg::kind_org, "organisation", "организация", "ұйым"},
    {Msg::kind_article, "article", "статья", "материал"},
    {Msg::opensearch_description, "Search the Letopis news archive in Russian, English and Kazakh",
     "Поиск по архиву новостей Летописи на русском, английском и казахском",
     "Летопись жаңалықтар мұрағатынан орыс, ағылшын және қазақ тілдерінде іздеу"},
    {Msg::also_searched, "Also searched as written in the other alphabet:", "Также искали в написании другим алфавитом:",
     "Басқа әліпбимен жазылуы бойынша да ізделді:"},
    {Msg::partial, "Part of the archive is not answering right now, so some results may be missing.",
     "Часть архива сейчас не отвечает, поэтому некоторых результатов может не хватать.",
     "Мұрағаттың бір бөлігі қазір жауап бермей тұр, сондықтан кейбір нәтижелер жетіспеуі мүмкін."},
};

constexpr bool table_complete() {
  if (std::size(kTable) != static_cast<size_t>(Msg::count)) return false;
  for (size_t i = 0; i < std::size(kTable); ++i) {
    const Entry& e = kTable[i];
    if (static_cast<size_t>(e.msg) != i) return false;  // rows in enum order
    for (const char* s : {e.en, e.ru, e.kk}) {
      if (s == nullptr || s[0] == '\0') return false;
    }
  }
  return true;
}
static_assert(table_complete(), "every Msg needs a row, in enum order, with all three languages");

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

const char* ui_code(UiLang ui) {
  switch (ui) {
    case UiLang::ru: return "ru";
    case UiLang::en: return "en";
    case UiLang::kk: return "kk";
  }
  return "ru";
}

bool parse_ui_code(std::string_view code, UiLang& out) {
  const std::string c = lower_ascii(code);
  if (c == "ru") out = UiLang::ru;
  else if (c == "en") out = UiLang::en;
  else if (c == "kk" || c == "kz") out = UiLang::kk;
  else return false;
  return true;
}

UiLang choose_ui_lang(std::string_view ui_param, std::string_view accept_language) {
  UiLang ui = UiLang::ru;
  if (parse_ui_code(ui_param, ui)) return ui;
  // "kk-KZ,kk;q=0.9,ru;q=0.8,en;q=0.5": the highest q wins, the earlier on a tie.
  double best_q = 0;
  UiLang best = UiLang::ru;
  size_t start = 0;
  for (int entries = 0; entries < 32 && start < accept_language.size(); ++entries) {
    size_t comma = accept_language.find(',', start);
    if (comma == std::string_view::npos) comma = accept_language.size();
    std::string_view item = accept_language.substr(start, comma - start);
    start = comma + 1;
    double q = 1.0;
    if (const size_t semi = item.find(';'); semi != std::string_view::npos) {
      std::string_view param = trim(item.substr(semi + 1));
      item = item.substr(0, semi);
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        const std::string_view v = param.substr(2);
        if (std::from_chars(v.data(), v.data() + v.size(), q).ec != std::errc()) q = 0;
      }
    }
    item = trim(item);
    std::string_view primary = item.substr(0, item.find('-'));
    UiLang lang;
    if (parse_ui_code(primary, lang) && q > best_q) {
      best_q = q;
      best = lang;
    }
  }
  return best;
}

const char* text(UiLang ui, Msg m) {
  const Entry& e = kTable[static_cast<size_t>(m)];
  switch (ui) {
    case UiLang::en: return e.en;
    case UiLang::ru: return e.ru;
    case UiLang::kk: return e.kk;
  }
  return e.en;
}

std::string count_text(UiLang ui, Msg m, uint64_t n) {
  UErrorCode status = U_ZERO_ERROR;
  icu::MessageFormat format(icu::UnicodeString::fromUTF8(text(ui, m)), icu::Locale(ui_code(ui)), status);
  icu::Formattable args[] = {icu::Formattable(static_cast<int64_t>(n))};
  icu::UnicodeString out;
  icu::FieldPosition ignore;
  format.format(args, 1, out, ignore, status);
  if (U_FAILURE(status)) return std::to_string(n);
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

std::string fill(UiLang ui, Msg m, std::string_view name, std::string_view value) {
  std::string s = text(ui, m);
  const std::string key = "{" + std::string(name) + "}";
  for (size_t pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos + value.size())) {
    s.replace(pos, key.size(), value);
  }
  return s;
}

}  // namespace letopis::searchd
