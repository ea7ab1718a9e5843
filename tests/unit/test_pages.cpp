// Scraped pages: HTML and plain-text pages become clean Articles, site-wide
// boilerplate is learnt and removed, dates are found in three languages, and
// bad pages are reported without stopping the run.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>

#include "indexer/pages.h"
#include "support.h"

using namespace letopis;

namespace {

namespace fs = std::filesystem;

const fs::path kPages = test::source_dir() / "data/sample/pages";

struct Collected {
  std::vector<Article> articles;
  std::vector<SourceLocation> where;
  std::vector<SourceError> errors;
};

Collected read_tree(const fs::path& root, SourceLimits limits = {}) {
  Collected c;
  read_page_tree(
      root.string(), limits,
      [&](Article&& a, const SourceLocation& w) {
        c.articles.push_back(std::move(a));
        c.where.push_back(w);
      },
      [&](const SourceError& e) { c.errors.push_back(e); });
  return c;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    if (c < 0x80) {
      n = 0;
    } else if ((c >> 5) == 6) {
      n = 1;
    } else if ((c >> 4) == 14) {
      n = 2;
    } else if ((c >> 3) == 30) {
      n = 3;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

bool article_is_clean(const Article& a) {
  for (const std::string* f : {&a.id, &a.title, &a.body, &a.date, &a.url, &a.lang, &a.section}) {
    if (!valid_utf8(*f)) return false;
    if (std::any_of(f->begin(), f->end(), [](char c) { return c == '\0' || c == '\r'; })) return false;
  }
  return a.date.empty() || a.date.size() == 10;
}

std::vector<std::string> lines_of(const std::string& body) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t nl = body.find('\n', pos);
    if (nl == std::string::npos) nl = body.size();
    out.push_back(body.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Article parse_html(const std::string& html, std::string* why = nullptr) {
  Article a;
  std::string reason = parse_html_page(html, "t/page.html", a);
  if (why) *why = reason;
  return a;
}

}  // namespace

// ------------------------------------------------------------ HTML pages ---

TEST_CASE("each sample HTML page yields its title, date, language, section and id") {
  struct Case {
    const char* rel;
    const char* title;
    const char* date;
    const char* lang;
    const char* section;
    const char* first_words;  // the body opens with the first paragraph
    const char* last_words;   // and ends with the last one (no share/sidebar after it)
    const char* caption;      // the figcaption, which must not be in the body
  };
  const Case cases[] = {
      {"html/en/2019/kaziss-annual-conference.html", "KazISS Annual Conference Looks at Central Asia in the 2020s",
       "2019-11-21", "en", "events", "The Kazakhstan Institute for Strategic Studies (KazISS) held",
       "one of the region's central challenges.", "Plenary session of the KazISS annual conference"},
      {"html/en/2022/food-security-roundtable.html",
       "Food Security in Central Asia: Lessons of 2022 Discussed in Astana", "2022-09-22", "en", "events",
       "KazISS held a round table on food security", "sent to the government by the end of October.",
       "Participants of the round table at KazISS"},
      {"html/en/2023/caef-closing-session.html",
       "CAEF 2023 Closes With Recommendations on Water, Transit and Afghanistan", "2023-09-29", "en", "events",
       "The Central Asian Expert Forum (CAEF) concluded in Astana", "with a special focus on the energy transition.",
       "Closing plenary of the Central Asian Expert Forum"},
      {"html/ru/2020/pandemic-labour-migrants-seminar.html",
       "Пандемия и трудовые мигранты: эксперты обсудили последствия закрытия границ", "2020-05-28", "ru", "",
       "28 мая 2020 года КИСИ провёл онлайн-семинар", "направленной в профильные государственные органы.",
       "Скриншот трансляции"},
      {"html/ru/2022/water-diplomacy-summer-school.html",
       "В Алматы открылась летняя школа водной дипломатии для молодых специалистов", "2022-07-12", "ru", "news",
       "12 июля 2022 года в Алматы начала работу", "которую будет поддерживать ООН.",
       "Участники летней школы на Большом Алматинском озере"},
      {"html/ru/2024/aes-obshchestvennye-slushaniya.html", "Общественные слушания по АЭС: вопросы жителей Прибалхашья",
       "2024-08-20", "ru", "news", "20 августа 2024 года в селе Улькен", "назначен на 6 октября 2024 года.",
       "Слушания в Доме культуры села Улькен"},
      {"html/kk/2021/kishi-aral-dongelek-ustel.html",
       "Кіші Аралдың болашағы: сарапшылар Көкарал бөгетінің екінші кезеңін талқылады", "2021-09-23", "kk", "events",
       "2021 жылғы 23 қыркүйекте Қызылорда облысының", "министрліктерге және АҚХҚ-ға жіберіледі.",
       "Арал қаласының маңындағы Кіші Арал жағалауы"},
      {"html/kk/2023/qszi-30-zhyl.html", "ҚСЗИ-ге 30 жыл: талдау мен болжамның үш онжылдығы", "2023-06-16", "kk",
       "press-releases", "2023 жылғы 16 маусымда Қазақстан Республикасының",
       "студенттерге арналған ашық дәрістер өткізеді.", "30 жылдығына арналған салтанатты жиын"},
      // No machine-readable date: it comes from the dateline / first paragraph.
      {"html/kk/2024/koktemgi-su-tasqyny.html", "Көктемгі су тасқыны: сарапшылар жүйелі шешімдер ұсынады", "2024-04-16",
       "kk", "", "2024 жылғы 16 сәуір. Қазақстанның бірқатар өңірлерінде",
       "жаңа су қоймаларын салу мүмкіндігін қарастыруды ұсынады.", "Ақтөбе облысындағы су басқан елді мекен"},
  };
  // Text of the banner, menu, breadcrumb, share block, sidebar, footer,
  // script and style of every page; none of it is article text.
  const char* const boilerplate[] = {"Dear visitor",
                                     "Дорогой посетитель",
                                     "Құрметті оқырман",
                                     "bookmarks",
                                     "Press releases",
                                     "Пресс-релизы",
                                     "Баспасөз релиздері",
                                     "Popular news",
                                     "Популярные новости",
                                     "Танымал жаңалықтар",
                                     "Nuclear Power Plant",
                                     "После саммита ШОС",
                                     "ШЫҰ саммиті",
                                     "All rights reserved",
                                     "Все права защищены",
                                     "editor@letopis",
                                     "gtag",
                                     "dataLayer",
                                     "font-family",
                                     "querySelectorAll",
                                     "Share:",
                                     "Поделиться",
                                     "Бөлісу",
                                     "Facebook",
                                     "Views:",
                                     "Просмотры",
                                     "Қаралым",
                                     "Search the archive",
                                     "ҚАЗ",
                                     "×",
                                     "⌕",
                                     "Home",
                                     "Главная",
                                     "Басты бет"};

  for (const Case& c : cases) {
    SECTION(c.rel) {
      const std::string html = test::read_file(kPages / c.rel);
      REQUIRE(!html.empty());
      Article a;
      REQUIRE(parse_html_page(html, c.rel, a) == "");
      CHECK(a.title == c.title);
      CHECK(a.date == c.date);
      CHECK(a.lang == c.lang);
      CHECK(a.section == c.section);
      CHECK(a.url.rfind("https://letopis.example.kz/", 0) == 0);
      CHECK(a.id == "url:" + a.url.substr(std::string("https://").size()));
      CHECK(a.body.rfind(c.first_words, 0) == 0);
      CHECK(ends_with(a.body, c.last_words));
      CHECK(a.body.find(c.caption) == std::string::npos);
      CHECK(a.body.find(c.title) == std::string::npos);  // the <h1> is the title, not body
      for (const char* b : boilerplate) {
        INFO("boilerplate: " << b);
        CHECK(a.body.find(b) == std::string::npos);
      }
      const auto paragraphs = lines_of(a.body);
      CHECK(paragraphs.size() == 5);
      for (const auto& p : paragraphs) {
        CHECK(!p.empty());
        CHECK(p.find("  ") == std::string::npos);
        CHECK(p.front() != ' ');
        CHECK(p.back() != ' ');
      }
      CHECK(article_is_clean(a));
    }
  }
}

TEST_CASE("the broken sample page (unclosed p, li and div, stray close, no </body>) still parses") {
  const std::string html = test::read_file(kPages / "html/en/2023/caef-closing-session.html");
  Article a;
  REQUIRE(parse_html_page(html, "html/en/2023/caef-closing-session.html", a) == "");
  const auto paragraphs = lines_of(a.body);
  REQUIRE(paragraphs.size() == 5);
  // The two paragraphs whose </p> is missing end where the next block starts.
  CHECK(paragraphs[1].rfind("The document proposes five priorities", 0) == 0);
  CHECK(ends_with(paragraphs[1], "exchange programme for young analysts."));
  CHECK(paragraphs[3].rfind("Participants from Afghanistan", 0) == 0);
  CHECK(paragraphs[4] ==
        "Organisers announced that the next forum will take place in 2024, with a special focus on the "
        "energy transition.");
  CHECK(a.body.find("Women, Peace and Security") == std::string::npos);  // unclosed <li> of the sidebar
}

TEST_CASE("entities are decoded and Russian typography survives") {
  const std::string html = test::read_file(kPages / "html/ru/2022/water-diplomacy-summer-school.html");
  Article a;
  REQUIRE(parse_html_page(html, "p.html", a) == "");
  CHECK(a.body.find("&laquo;") == std::string::npos);
  CHECK(a.body.find("&nbsp;") == std::string::npos);
  CHECK(a.body.find("«Следующее поколение переговорщиков") != std::string::npos);
  CHECK(a.body.find("международное право», — сказала она.") != std::string::npos);
}

TEST_CASE("the main content is the article, else articleBody, else a content-named block, else the body") {
  struct Case {
    const char* name;
    const char* html;
    const char* body;
  };
  const Case cases[] = {
      {"<article> wins over a longer sidebar",
       "<body><aside><p>Side one</p><p>Side two</p></aside><article><h1>T</h1><p>Article text.</p></article>"
       "<div class='related-news'><p>Other story</p></div></body>",
       "Article text."},
      {"itemprop=articleBody",
       "<body><div class='page'><div class='socials'>Tweet this</div><div itemprop='articleBody'><p>One.</p><p>Two."
       "</p></div><div class='comments'>First!</div></div></body>",
       "One.\nTwo."},
      {"a content-named block, innermost",
       "<body><div id='main-wrapper'><div class='post-content'><h1>T</h1><p>Para A.</p><p>Para B.</p></div>"
       "<div class='sidebar'>Side</div></div><div class='cookie-notice'>We use cookies</div></body>",
       "Para A.\nPara B."},
      {"the body minus boilerplate",
       "<body><nav>Menu item</nav><div class='top-banner'>Banner</div><header>Site</header><p>Real text here.</p>"
       "<div class='breadcrumbs'>Home » News</div><div class='sidebar'>Side</div><footer>Foot</footer>"
       "<script>var x = 1;</script><style>p{}</style><noscript>Enable JS</noscript>"
       "<form><input value='q'><button>Go</button></form><iframe src='x'></iframe><svg><text>icon</text></svg>"
       "<div class='advert-slot'>Buy now</div><div class='share-buttons'>Share</div></body>",
       "Real text here."},
      {"a wrapper named like furniture that holds the article is kept",
       "<body><div class='layout-with-sidebar'><h1>Headline</h1><p>The whole story is here, and it is long enough "
       "to be most of the page.</p></div><div class='sidebar'>Side</div></body>",
       "The whole story is here, and it is long enough to be most of the page."},
      {"an ASP.NET page is one big form",
       "<body><form id='form1'><div id='content'><h1>Head</h1><p>Inside the form.</p></div></form></body>",
       "Inside the form."},
      {"hidden elements and captions are dropped",
       "<body><article><p>Shown.</p><p hidden>Hidden attr.</p><p aria-hidden='true'>Aria.</p>"
       "<p style='display: none'>Styled.</p><figure><img alt='alt text'><figcaption>A caption</figcaption></figure>"
       "<p>Also shown.</p></article></body>",
       "Shown.\nAlso shown."},
      {"blocks become lines, inline elements do not",
       "<body><article><p>a&nbsp;&mdash; &laquo;b&raquo;</p><ul><li>one<li>two</ul>x<br>y<table><tr><td>c1</td>"
       "<td>c2</td></tr></table><h2>Sub</h2><blockquote>Quote</blockquote><p><span>in</span><b>line</b>   "
       "  spaced\n\n out</p></article></body>",
       "a — «b»\none\ntwo\nx\ny\nc1 c2\nSub\nQuote\ninline spaced out"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      std::string why;
      const Article a = parse_html(std::string("<html>") + c.html + "</html>", &why);
      REQUIRE(why == "");
      CHECK(a.body == c.body);
    }
  }
}

TEST_CASE("the HTML title falls back from og:title to the content h1 to <title> without its site suffix") {
  struct Case {
    const char* head;
    const char* body;
    const char* title;
  };
  const Case cases[] = {
      {"<meta property='og:title' content='OG title'><title>Tag | Site</title>", "<article><h1>H1</h1><p>x</p>",
       "OG title"},
      {"<title>Tag | Site</title>", "<div class='logo'><h1>Site</h1></div><article><h1>H1 title</h1><p>x</p>",
       "H1 title"},
      {"<title>Headline text | Letopis</title>", "<article><p>x</p>", "Headline text"},
      {"<title>Headline text — Letopis</title><meta property='og:site_name' content='Letopis'>", "<article><p>x</p>",
       "Headline text"},
      {"<title>Headline text - letopis</title><link rel='canonical' href='https://letopis.example.kz/a/b'>",
       "<article><p>x</p>", "Headline text"},
      // A dash that is part of the headline stays.
      {"<title>Карин — о роли аналитики</title>", "<article><p>x</p>", "Карин — о роли аналитики"},
      {"<title>Kazakhstan - China talks</title>", "<article><p>x</p>", "Kazakhstan - China talks"},
      {"", "<article><p>x</p>", ""},
  };
  for (const Case& c : cases) {
    INFO(c.head);
    const Article a = parse_html(std::string("<html><head>") + c.head + "</head><body>" + c.body + "</body></html>");
    CHECK(a.title == c.title);
  }
}

TEST_CASE("the HTML date comes from metadata, then <time datetime>, then the text") {
  struct Case {
    const char* head;
    const char* body;
    const char* date;
  };
  const Case cases[] = {
      {"<meta property='article:published_time' content='2024-03-06T10:00:00+05:00'>",
       "<article><time datetime='2023-01-01'>x</time><p>5 May 2020</p>", "2024-03-06"},
      {"<meta itemprop='datePublished' content='2021-02-03'>", "<article><p>5 May 2020</p>", "2021-02-03"},
      {"", "<article><time datetime='2023-01-02T09:00'>2 Jan</time><p>5 May 2020</p>", "2023-01-02"},
      {"", "<div class='sidebar'><time datetime='2019-01-01'>old</time></div><article><p>On 5 May 2020 it rained.</p>",
       "2020-05-05"},
      {"", "<article><div class='meta'><span class='date'>16 сәуір 2024</span></div><p>Мәтін.</p>", "2024-04-16"},
      {"<meta property='article:published_time' content='garbage'>", "<article><p>Мәтін.</p>", ""},
  };
  for (const Case& c : cases) {
    INFO(c.head << c.body);
    const Article a = parse_html(std::string("<html><head>") + c.head + "</head><body>" + c.body + "</body></html>");
    CHECK(a.date == c.date);
  }
}

TEST_CASE("the HTML language comes from <html lang>") {
  const std::pair<const char*, const char*> cases[] = {
      {"<html lang='ru'>", "ru"},    {"<html lang='ru-RU'>", "ru"},
      {"<html lang='kk-KZ'>", "kk"}, {"<html lang='kz'>", "kk"},
      {"<html lang='EN'>", "en"},    {"<html lang='en_GB'>", "en"},
      {"<html lang='de'>", ""},      {"<html>", ""},
  };
  for (const auto& [open, lang] : cases) {
    INFO(open);
    CHECK(parse_html(std::string(open) + "<body><p>Text.</p></body></html>").lang == lang);
  }
}

TEST_CASE("page ids come from the canonical URL, else from the relative path") {
  struct Case {
    const char* head;
    const char* id;
    const char* url;
  };
  const Case cases[] = {
      {"<meta property='og:url' content='https://Letopis.example.kz/en/a/b/#top'>", "url:letopis.example.kz/en/a/b",
       "https://Letopis.example.kz/en/a/b/#top"},
      {"<link rel='canonical' href='http://letopis.example.kz/ru/x?id=5'>", "url:letopis.example.kz/ru/x?id=5",
       "http://letopis.example.kz/ru/x?id=5"},
      // The home page as og:url would merge every page into one: not an id.
      {"<meta property='og:url' content='https://letopis.example.kz/'>", "page:t/page.html",
       "https://letopis.example.kz/"},
      {"<link rel='canonical' href='/relative/path'>", "page:t/page.html", ""},
      {"", "page:t/page.html", ""},
  };
  for (const Case& c : cases) {
    INFO(c.head);
    const Article a = parse_html(std::string("<html><head>") + c.head + "</head><body><p>x</p></body></html>");
    CHECK(a.id == c.id);
    CHECK(a.url == c.url);
  }

  // Very long URLs are cut to fit a Xapian term, and stay distinct.
  const std::string base = "https://letopis.example.kz/" + std::string(300, 'a');
  const Article a1 = parse_html("<head><meta property='og:url' content='" + base + "1'></head><p>x</p>");
  const Article a2 = parse_html("<head><meta property='og:url' content='" + base + "2'></head><p>x</p>");
  CHECK(a1.id.size() <= 200);
  CHECK(a1.id.rfind("url:letopis.example.kz/aaa", 0) == 0);
  CHECK(a1.id != a2.id);
}

TEST_CASE("bad HTML pages are rejected with a clear reason") {
  struct Case {
    const char* name;
    std::string html;
    const char* reason;
  };
  const Case cases[] = {
      {"empty", "  \n", "empty"},
      {"binary", std::string("<html>\0\x01\x02<body>x", 17), "binary"},
      {"plain text", "just some words, no markup at all", "not an HTML page"},
      {"windows-1251 without a charset",
       "<html><body><p>\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0 \xcf\xf0\xe8\xe2\xe5\xf2</p></body></html>", "not UTF-8"},
      {"only furniture", "<html><body><nav>Menu</nav><footer>Foot</footer><script>x()</script></body></html>",
       "no body text"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      std::string why;
      parse_html(c.html, &why);
      CHECK_THAT(why, Catch::Contains(c.reason));
    }
  }
}

TEST_CASE("a declared charset is honoured, but valid UTF-8 is read as UTF-8") {
  std::string why;
  Article a = parse_html(
      "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'></head>"
      "<body><p>\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0</p></body></html>",
      &why);
  REQUIRE(why == "");
  CHECK(a.body == "Привет мир");
  a = parse_html("<html><head><meta charset='windows-1251'></head><body><p>Привет мир</p></body></html>", &why);
  REQUIRE(why == "");
  CHECK(a.body == "Привет мир");
}

// ------------------------------------------------------------ text pages ---

TEST_CASE("each sample text page drops its breadcrumb and caption lines and keeps title and date") {
  struct Case {
    const char* file;
    const char* title;
    const char* date;
    const char* first_words;
  };
  const Case cases[] = {
      {"en-2019-11-14-ashgabat-consultations.txt", "KazISS and Turkmen Diplomats Hold Expert Consultations in Ashgabat",
       "2019-11-14", "On November 14, 2019, a KazISS delegation"},
      {"en-2021-10-12-almaty-cybersecurity.txt", "Almaty Round Table Calls for Regional Cooperation on Cybersecurity",
       "2021-10-12", "12.10.2021, Almaty."},
      {"en-2023-06-07-bishkek-labour-migration.txt", "Think Tanks Discuss Labour Migration and Remittances in Bishkek",
       "2023-06-07", "June 7, 2023. Researchers"},
      {"ru-2020-03-05-zhenshchiny-na-gossluzhbe.txt", "Женщины на государственной службе: семинар в Нур-Султане",
       "2020-03-05", "05.03.2020 в Нур-Султане прошёл семинар"},
      {"ru-2021-06-17-doklad-tsifrovizatsiya.txt", "КИСИ представил доклад о цифровизации государственных услуг",
       "2021-06-17", "17 июня 2021 года Казахстанский институт"},
      {"ru-2024-06-10-dushanbe-water-conference.txt", "Душанбинская водная конференция: позиция стран Центральной Азии",
       "2024-06-10", "10 июня 2024 года в Душанбе"},
      {"kk-2021-11-09-zhastar-radikalizm.txt",
       "Жастар арасындағы радикализмнің алдын алу: Алматыда дөңгелек үстел өтті", "2021-11-09",
       "2021 жылғы 9 қарашада Алматыда"},
      {"kk-2023-05-18-tashkent-saraptamalyq-kenes.txt", "Қазақстан мен Өзбекстан сарапшылары Ташкентте бас қосты",
       "2023-05-18", "18.05.2023 Ташкентте"},
      {"kk-2024-02-15-tsifrlyq-ekonomika.txt", "Қазақстанның цифрлық экономикасы: ҚСЗИ жаңа баяндамасы", "2024-02-15",
       "2024 жылғы 15 ақпан, Астана."},
  };
  for (const Case& c : cases) {
    SECTION(c.file) {
      const std::string text = test::read_file(kPages / "text" / c.file);
      REQUIRE(!text.empty());
      Article a;
      REQUIRE(parse_text_page(text, std::string("text/") + c.file, a) == "");
      CHECK(a.title == c.title);
      CHECK(a.date == c.date);
      CHECK(a.id == std::string("page:text/") + c.file);
      CHECK(a.lang.empty());
      CHECK(a.body.rfind(c.first_words, 0) == 0);
      for (const auto& line : lines_of(a.body)) {
        CHECK(!line.empty());
        CHECK(line.find("»") + 2 != line.size());                           // no "Home »"
        CHECK(line.find_first_not_of("0123456789 ") != std::string::npos);  // no "20 04 22 1"
        CHECK(line != a.title);
      }
      // The banner is not special-cased per page: BoilerplateFilter learns it.
      CHECK(a.body.find("Дорогой посетитель!") != std::string::npos);
      CHECK(article_is_clean(a));
    }
  }
}

TEST_CASE("text page breadcrumbs, captions and line endings in their variants") {
  struct Case {
    const char* name;
    std::string text;
    const char* title;
    const char* date;
    const char* body;
  };
  const Case cases[] = {
      {"Home > News > breadcrumb, CRLF, BOM", "\xEF\xBB\xBFHome > News >\r\n\r\nTitle line\r\nBody one.\r\n",
       "Title line", "", "Body one."},
      {"Басты бет » Жаңалықтар »", "Басты бет » Жаңалықтар »\nТақырып\nМәтін.\n", "Тақырып", "", "Мәтін."},
      {"no breadcrumb", "Title only first\n\nPara.\n", "Title only first", "", "Para."},
      {"date from the caption when the paragraph has none",
       "Главная »\n\nЗаголовок\n\nТекст без даты.\n\n20 04 22 1\n20 04 22 2\n", "Заголовок", "2022-04-20",
       "Текст без даты."},
      {"the paragraph date wins over the caption", "Home »\nT\nOn April 21, 2022, x.\n20 04 22 1\n", "T", "2022-04-21",
       "On April 21, 2022, x."},
      {"numbers that are not captions stay", "Home »\nT\n2022\n12 345\nText.\n", "T", "", "2022\n12 345\nText."},
      {"an invalid caption date is still a caption", "Home »\nT\nText.\n31 02 22 1\n", "T", "", "Text."},
      {"a line ending in » after the title is text", "Home »\nT\nSee more »\n", "T", "", "See more »"},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      Article a;
      REQUIRE(parse_text_page(c.text, "p.txt", a) == "");
      CHECK(a.title == c.title);
      CHECK(a.date == c.date);
      CHECK(a.body == c.body);
    }
  }
}

TEST_CASE("bad text pages are rejected with a clear reason") {
  Article a;
  CHECK_THAT(parse_text_page("", "p.txt", a), Catch::Contains("empty"));
  CHECK_THAT(parse_text_page("Home »\n\n", "p.txt", a), Catch::Contains("empty"));
  CHECK_THAT(parse_text_page("Home »\nJust a title\n\n20 04 22 1\n", "p.txt", a), Catch::Contains("no body text"));
  CHECK_THAT(parse_text_page(std::string("ab\0cd\nef", 8), "p.txt", a), Catch::Contains("binary"));
  CHECK_THAT(parse_text_page("\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0\n\xcf\xf0\xe8\xe2\xe5\xf2\n", "p.txt", a),
             Catch::Contains("not UTF-8"));
}

// ------------------------------------------------------------- find_date ---

TEST_CASE("find_date reads dates in Russian, English and Kazakh and rejects impossible ones") {
  const std::pair<const char*, const char*> cases[] = {
      // Russian
      {"20 апреля 2022 года в Астане", "2022-04-20"},
      {"20 апреля 2022 г. в Астане", "2022-04-20"},
      {"Встреча 1 января 2020", "2020-01-01"},
      {"5 февраля 2021, 5 марта 2021", "2021-02-05"},
      {"12 мая 2019 года", "2019-05-12"},
      {"7 июня 2023", "2023-06-07"},
      {"7 июля 2023", "2023-07-07"},
      {"15 августа 2018", "2018-08-15"},
      {"30 сентября 2020", "2020-09-30"},
      {"9 октября 2017", "2017-10-09"},
      {"11 ноября 2016", "2016-11-11"},
      {"31 декабря 2015", "2015-12-31"},
      {"20 АПРЕЛЯ 2022 ГОДА", "2022-04-20"},
      {"20\xC2\xA0"
       "апреля 2022 года",
       "2022-04-20"},
      // English
      {"April 20, 2022", "2022-04-20"},
      {"On April 20, 2022, a delegation arrived.", "2022-04-20"},
      {"June 7, 2023. Researchers", "2023-06-07"},
      {"20 April 2022", "2022-04-20"},
      {"20 April, 2022", "2022-04-20"},
      {"20th April 2022", "2022-04-20"},
      {"April 20th, 2022", "2022-04-20"},
      {"Apr 20, 2022", "2022-04-20"},
      {"Sept. 5, 2021", "2021-09-05"},
      {"5 Dec 2019", "2019-12-05"},
      {"on 29 February 2024", "2024-02-29"},
      // Numeric
      {"20.04.2022", "2022-04-20"},
      {"12.10.2021, Almaty.", "2021-10-12"},
      {"5.3.2020", "2020-03-05"},
      {"2022-04-20", "2022-04-20"},
      {"2019-11-21T10:00:00+06:00", "2019-11-21"},
      {"2022/04/20", "2022-04-20"},
      // Kazakh
      {"2022 жылғы 20 сәуір", "2022-04-20"},
      {"2022 жылғы 20 сәуірде кездесу өтті", "2022-04-20"},
      {"2021 жылғы 9 қарашада Алматыда", "2021-11-09"},
      {"2024 жылғы 15 ақпан, Астана.", "2024-02-15"},
      {"2023 жылғы 28 қыркүйекте", "2023-09-28"},
      {"2020 жылғы 5 қаңтарда", "2020-01-05"},
      {"2022 жылғы 22 наурызда", "2022-03-22"},
      {"2019 жылғы 31 мамырда", "2019-05-31"},
      {"2023 жылғы 16 маусымда", "2023-06-16"},
      {"2021 жылғы 6 шілдеде", "2021-07-06"},
      {"2024 жылғы 20 тамызда", "2024-08-20"},
      {"2023 жылғы 25 қазанда", "2023-10-25"},
      {"2021 жылғы 16 желтоқсанда", "2021-12-16"},
      {"2022 жылы 20 сәуірде", "2022-04-20"},
      {"2022 ж. 20 сәуір", "2022-04-20"},
      {"16 сәуір 2024", "2024-04-16"},
      // Impossible dates, and no date at all
      {"31 апреля 2022 года", ""},
      {"February 30, 2023", ""},
      {"30 February 2023", ""},
      {"29.02.2023", ""},
      {"2023-02-29", ""},
      {"2022-13-01", ""},
      {"32.01.2022", ""},
      {"2022 жылғы 31 сәуірде", ""},
      {"0 April 2022", ""},
      {"Views: 898", ""},
      {"апреля 2022 года", ""},
      {"April 2022", ""},
      {"version 1.20.04.2022 build", ""},
      {"", ""},
      // The first valid date wins; an impossible one is skipped.
      {"31 апреля 2022 года, то есть 1 мая 2022 года", "2022-05-01"},
      {"Report of 2 March 2021, updated 2021-03-05", "2021-03-02"},
  };
  for (const auto& [text, date] : cases) {
    INFO(text);
    CHECK(find_date(text) == date);
  }
}

TEST_CASE("find_date looks only at the start of a long text") {
  const std::string filler(2100, 'x');
  CHECK(find_date(filler + " 20 April 2022") == "");
  CHECK(find_date("20 April 2022 " + filler) == "2022-04-20");
  // A cut inside a multi-byte character is harmless.
  std::string cyr;
  while (cyr.size() < 2500) cyr += "ж";
  CHECK(find_date(cyr) == "");
}

// ---------------------------------------------------- BoilerplateFilter ---

TEST_CASE("BoilerplateFilter removes lines repeated on most pages and keeps the rest") {
  struct Case {
    const char* name;
    int pages;        // pages observed
    int with_banner;  // of which carry the banner line
    bool removed;
  };
  // Threshold: max(3, ceil(50% of pages)).
  const Case cases[] = {
      {"every page of ten", 10, 10, true}, {"half of ten", 10, 5, true}, {"four of ten", 10, 4, false},
      {"three of four", 4, 3, true},       {"two of four", 4, 2, false}, {"two of two: too few to learn", 2, 2, false},
      {"three of three", 3, 3, true},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      BoilerplateFilter filter;
      std::vector<Article> pages(static_cast<size_t>(c.pages));
      for (int i = 0; i < c.pages; ++i) {
        Article& a = pages[static_cast<size_t>(i)];
        a.body = "Own text of page " + std::to_string(i) + ".";
        if (i < c.with_banner) a.body += "\n  Dear visitor! We moved.  \n\n";
        filter.observe(a);
      }
      CHECK(filter.pages_observed() == static_cast<size_t>(c.pages));
      CHECK(filter.is_boilerplate("Dear visitor! We moved.") == c.removed);
      Article first = pages[0];
      const size_t removed = filter.clean(first);
      CHECK(removed == (c.removed ? 1u : 0u));
      if (c.removed) {
        CHECK(first.body == "Own text of page 0.");  // and the trailing blank line is gone
      } else {
        CHECK(first.body.find("Dear visitor!") != std::string::npos);
      }
    }
  }
}

TEST_CASE("BoilerplateFilter ignores short lines and counts a line once per page") {
  BoilerplateFilter filter;
  for (int i = 0; i < 6; ++i) {
    Article a;
    a.body = "Story " + std::to_string(i) + "\n—\nab\n";
    // One page repeats a line many times: that is not site-wide.
    if (i == 0) a.body += "Repeated\nRepeated\nRepeated\nRepeated\n";
    filter.observe(a);
  }
  CHECK_FALSE(filter.is_boilerplate("—"));
  CHECK_FALSE(filter.is_boilerplate("ab"));
  CHECK_FALSE(filter.is_boilerplate("Repeated"));
  Article a;
  a.body = "Story 0\n—\nab";
  CHECK(filter.clean(a) == 0);
  CHECK(a.body == "Story 0\n—\nab");

  BoilerplateOptions strict;
  strict.min_pages = 2;
  strict.min_share = 1.0;
  BoilerplateFilter all_pages(strict);
  Article p1, p2;
  p1.body = "A\nfooter line";
  p2.body = "B\nfooter line";
  all_pages.observe(p1);
  all_pages.observe(p2);
  CHECK(all_pages.is_boilerplate("footer line"));
  CHECK(all_pages.clean(p1) == 1);
  CHECK(p1.body == "A");
}

// ------------------------------------------------------- read_page_tree ---

TEST_CASE("read_page_tree reads every sample page and removes the site banner from all of them") {
  const Collected c = read_tree(kPages);
  for (const auto& e : c.errors) FAIL_CHECK(e.where.file << ": " << e.reason);
  REQUIRE(c.articles.size() == 18);
  std::map<std::string, int> langs;
  std::set<std::string> ids;
  for (size_t i = 0; i < c.articles.size(); ++i) {
    const Article& a = c.articles[i];
    INFO(c.where[i].file);
    CHECK(c.where[i].line == 0);
    CHECK(ids.insert(a.id).second);
    CHECK(!a.title.empty());
    CHECK(!a.date.empty());
    CHECK(!a.body.empty());
    ++langs[a.lang];
    // Words of the banners (text pages) and the top banner (HTML pages) only.
    for (const char* banner_word : {"минут", "посетител", "закладки", "опросе читателей", "Dear visitor"}) {
      CHECK(a.body.find(banner_word) == std::string::npos);
    }
    CHECK(a.body.back() != '\n');
    CHECK(article_is_clean(a));
  }
  // Sorted path order: html/ before text/, deterministic.
  CHECK(c.where.front().file.find("html/en/2019/kaziss-annual-conference.html") != std::string::npos);
  CHECK(c.where.back().file.find("text/ru-2024-06-10-dushanbe-water-conference.txt") != std::string::npos);
  CHECK(std::is_sorted(c.where.begin(), c.where.end(),
                       [](const SourceLocation& a, const SourceLocation& b) { return a.file < b.file; }));
  CHECK(langs["en"] == 3);
  CHECK(langs["ru"] == 3);
  CHECK(langs["kk"] == 3);
  CHECK(langs[""] == 9);  // text pages: detected later

  // A text page ends with its last paragraph once the banner is gone.
  const auto last = std::find_if(c.articles.begin(), c.articles.end(), [](const Article& a) {
    return a.id == "page:text/ru-2021-06-17-doklad-tsifrovizatsiya.txt";
  });
  REQUIRE(last != c.articles.end());
  CHECK(ends_with(last->body, "без подачи заявления."));

  // The filter takes nothing from the HTML pages: their furniture is already
  // gone, and no sentence repeats across a language's pages.
  for (size_t i = 0; i < c.articles.size(); ++i) {
    if (c.articles[i].id.rfind("url:", 0) != 0) continue;
    Article direct;
    REQUIRE(parse_html_page(test::read_file(c.where[i].file), "x", direct) == "");
    CHECK(c.articles[i].body == direct.body);
  }

  // Twice gives the same result.
  const Collected again = read_tree(kPages);
  REQUIRE(again.articles.size() == c.articles.size());
  for (size_t i = 0; i < c.articles.size(); ++i) {
    CHECK(again.articles[i].id == c.articles[i].id);
    CHECK(again.articles[i].body == c.articles[i].body);
  }
}

TEST_CASE("binary, oversize and undecodable pages are reported with path and reason while the rest come through") {
  test::TempDir dir;
  const fs::path root = dir.path() / "site";
  fs::create_directories(root / "news" / "deep");
  for (const char* f : {"en-2019-11-14-ashgabat-consultations.txt", "ru-2021-06-17-doklad-tsifrovizatsiya.txt",
                        "kk-2024-02-15-tsifrlyq-ekonomika.txt"}) {
    fs::copy_file(kPages / "text" / f, root / "news" / f);
  }
  fs::copy_file(kPages / "html/en/2023/caef-closing-session.html", root / "news/deep/a.HTML");
  fs::copy_file(kPages / "html/ru/2020/pandemic-labour-migrants-seminar.html", root / "news/deep/b.htm");
  test::write_file(root / "news/binary.html",
                   std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(100, '\0'));
  test::write_file(root / "news/huge.txt", "Home »\nBig\n" + std::string(70 * 1024, 'x') + "\n");
  test::write_file(root / "news/cp1251.txt", "\xcf\xf0\xe8\xe2\xe5\xf2\n\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0\n");
  test::write_file(root / "news/photo.jpg", std::string("\xff\xd8\xff\xe0\0\0", 6));  // not a page: skipped
  test::write_file(root / "README", "not a page");
  test::write_file(root / ".hidden.html", "<p>hidden</p>");
  fs::create_directory_symlink(root, root / "news/loop");  // must not be followed

  SourceLimits limits;
  limits.max_record_bytes = 64 * 1024;
  const Collected c = read_tree(root, limits);

  REQUIRE(c.articles.size() == 5);
  std::set<std::string> ids;
  for (const auto& a : c.articles) ids.insert(a.id);
  CHECK(ids.count("page:news/en-2019-11-14-ashgabat-consultations.txt") == 1);
  CHECK(ids.count("url:letopis.example.kz/en/events/2023/09/29/caef-closing-session") == 1);
  for (const auto& a : c.articles) CHECK(a.body.find("посетител") == std::string::npos);  // 3 of 3 text pages

  std::map<std::string, std::string> by_file;
  for (const auto& e : c.errors) {
    CHECK(e.where.line == 0);
    by_file[fs::path(e.where.file).filename().string()] = e.reason;
    CHECK(fs::path(e.where.file).parent_path() == root / "news");
  }
  CHECK(by_file.size() == 3);
  CHECK_THAT(by_file["binary.html"], Catch::Contains("binary"));
  CHECK_THAT(by_file["huge.txt"], Catch::Contains("larger than the limit of 65536 bytes"));
  CHECK_THAT(by_file["cp1251.txt"], Catch::Contains("not UTF-8"));
}

TEST_CASE("each language of a site learns its own boilerplate") {
  // Three languages, three pages each, each language with its own sign-off
  // line inside the article: 3 of 9 pages would be too few if pooled.
  test::TempDir dir;
  const std::pair<const char*, const char*> langs[] = {
      {"ru", "Подписывайтесь на наш канал в Telegram."},
      {"en", "Follow our Telegram channel."},
      {"kk", "Telegram арнамызға жазылыңыз."},
  };
  for (const auto& [lang, signoff] : langs) {
    for (int i = 0; i < 3; ++i) {
      test::write_file(dir.path() / (std::string(lang) + std::to_string(i) + ".html"),
                       std::string("<html lang='") + lang + "'><body><article><p>Story " + lang + std::to_string(i) +
                           ".</p><p>" + signoff + "</p></article></body></html>");
    }
  }
  const Collected c = read_tree(dir.path());
  REQUIRE(c.articles.size() == 9);
  for (const auto& a : c.articles) {
    INFO(a.id);
    const std::string stem = a.id.substr(std::string("page:").size(), 3);  // "page:ru0.html" -> "ru0"
    CHECK(a.body == "Story " + stem + ".");
  }
}

TEST_CASE("two pages with the same canonical URL are emitted once and the duplicate is reported") {
  test::TempDir dir;
  const std::string page =
      "<html><head><meta property='og:url' content='https://letopis.example.kz/en/x'></head>"
      "<body><article><p>Same story.</p></article></body></html>";
  test::write_file(dir.path() / "a.html", page);
  test::write_file(dir.path() / "b.html", page);
  const Collected c = read_tree(dir.path());
  REQUIRE(c.articles.size() == 1);
  CHECK(c.articles[0].id == "url:letopis.example.kz/en/x");
  CHECK(c.where[0].file == (dir.path() / "a.html").string());
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0].where.file == (dir.path() / "b.html").string());
  CHECK_THAT(c.errors[0].reason, Catch::Contains("duplicate"));
}

TEST_CASE("read_page_tree throws only when the root is not a directory") {
  test::TempDir dir;
  CHECK_THROWS_AS(read_tree(dir.path() / "missing"), std::runtime_error);
  test::write_file(dir.path() / "file.html", "<p>x</p>");
  CHECK_THROWS_AS(read_tree(dir.path() / "file.html"), std::runtime_error);
  CHECK(read_tree(dir.path()).articles.size() == 1);
}

// ------------------------------------------------------------ robustness ---

TEST_CASE("random bytes and mangled pages never crash either parser") {
  std::mt19937 rng(20240420);
  auto check = [](const std::string& input) {
    Article a;
    const std::string why_html = parse_html_page(input, "r.html", a);
    if (why_html.empty()) {
      CHECK(!a.body.empty());
      CHECK(article_is_clean(a));
    }
    const std::string why_text = parse_text_page(input, "r.txt", a);
    if (why_text.empty()) {
      CHECK(!a.body.empty());
      CHECK(article_is_clean(a));
    }
  };

  // Pure noise.
  for (int i = 0; i < 200; ++i) {
    std::string s(rng() % 4096, '\0');
    for (char& ch : s) ch = static_cast<char>(rng() % 256);
    check(s);
    for (char& ch : s) ch = static_cast<char>(1 + rng() % 255);  // no NUL: reaches the decoders
    check(s);
  }

  // Tag soup.
  const char* const parts[] = {"<div>",
                               "</div>",
                               "<p>",
                               "</p>",
                               "<article>",
                               "</article>",
                               "<nav>",
                               "<h1>",
                               "</h1>",
                               "<!--",
                               "-->",
                               "<script>",
                               "</script>",
                               "&amp;",
                               "&#xD800;",
                               "&#0;",
                               "&nbsp;",
                               " ",
                               "\n",
                               "текст",
                               "қазақ",
                               "20 апреля 2022",
                               "<br>",
                               "<td>",
                               "<",
                               ">",
                               "\"",
                               "'",
                               "<meta charset=koi8-r>",
                               "<html lang=",
                               "\xff",
                               "\xe2\x80"};
  for (int i = 0; i < 300; ++i) {
    std::string s;
    const size_t n = rng() % 200;
    for (size_t k = 0; k < n; ++k) s += parts[rng() % std::size(parts)];
    check(s);
  }

  // Sample pages with random bytes changed, cut, or bytes inserted.
  std::vector<std::string> samples;
  for (const auto& e : fs::recursive_directory_iterator(kPages)) {
    if (e.is_regular_file()) samples.push_back(test::read_file(e.path()));
  }
  REQUIRE(samples.size() == 18);
  for (int i = 0; i < 200; ++i) {
    std::string s = samples[rng() % samples.size()];
    for (int k = 0; k < 10; ++k) s[rng() % s.size()] = static_cast<char>(1 + rng() % 255);
    if (rng() % 2) s.resize(rng() % s.size());
    check(s);
  }

  // Absurd nesting.
  std::string deep = "<html><body>";
  for (int i = 0; i < 50000; ++i) deep += "<div>";
  deep += "deep text";
  check(deep);
}
