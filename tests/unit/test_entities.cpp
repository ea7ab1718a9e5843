// Entity and topic extraction: names in any of their forms give one
// canonical name, topics need real evidence, and bad configuration is an
// error that says where and what.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <thread>

#include "indexer/document.h"
#include "indexer/entities.h"
#include "indexer/schema.h"
#include "indexer/sources.h"
#include "support.h"

using namespace letopis;

namespace {

const EntityExtractor& shipped() {
  static const EntityExtractor x = EntityExtractor::from_files((test::source_dir() / "config/gazetteer.json").string(),
                                                               (test::source_dir() / "config/taxonomy.json").string());
  return x;
}

Entities run(const std::string& lang, const std::string& title, const std::string& body,
             const EntityExtractor& x = shipped()) {
  Article a;
  a.id = "t";
  a.lang = lang;
  a.title = title;
  a.body = body;
  analysis::Analyzer analyzer;
  return x.extract(a, analyzer);
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<Article> sample_articles() {
  std::vector<Article> out;
  read_jsonl(
      test::sample_jsonl().string(), {}, [&](Article&& a, const SourceLocation&) { out.push_back(std::move(a)); },
      [](const SourceError& e) { FAIL("sample record rejected: " << e.reason); });
  return out;
}

// A minimal valid pair of files, to break one piece at a time.
const char* kGazetteer = R"({"people": [{"id": "P", "aliases": ["Pat Doe"]}],
                             "organizations": [{"id": "O", "aliases": ["ORG"]}]})";
const char* kTaxonomy = R"({"min_score": 2, "topics": [{"id": "t", "label": {"en": "T"}, "terms": {"en": ["tea"]}}]})";

}  // namespace

TEST_CASE("the shipped gazetteer and taxonomy load") {
  const EntityExtractor& x = shipped();
  CHECK(x.org_count() >= 25);
  CHECK(x.person_count() >= 12);
  CHECK(x.alias_count() >= 200);
  CHECK(x.topic_count() >= 15);
  for (const char* id :
       {"water", "energy", "climate", "security", "afghanistan", "food-security", "gender", "economy", "reforms",
        "diplomacy", "migration", "transport-logistics", "health", "education", "elections"}) {
    INFO(id);
    CHECK_FALSE(x.topic_label(id, "en").empty());
    CHECK_FALSE(x.topic_label(id, "ru").empty());
    CHECK_FALSE(x.topic_label(id, "kk").empty());
  }
  CHECK(x.topic_label("water", "ru") == "Водные ресурсы");
  CHECK(x.topic_label("water", "xx") == "Water");
  CHECK(x.topic_label("no-such-topic", "en").empty());
}

TEST_CASE("every form of an organisation's name gives its canonical name") {
  struct Case {
    std::string lang, text, org;
  };
  const Case cases[] = {
      {"en", "The UN welcomed the plan.", "UN"},
      {"en", "The United Nations welcomed the plan.", "UN"},
      {"ru", "ООН приветствовала план.", "UN"},
      {"ru", "Генеральная Ассамблея Организации Объединённых Наций", "UN"},
      {"kk", "БҰҰ-ның өкілдері жоспарды құптады.", "UN"},
      {"kk", "Біріккен Ұлттар Ұйымының өкілі", "UN"},
      {"en", "Experts of KazISS met students.", "KazISS"},
      {"en", "KAZISS HOSTS A CONFERENCE", "KazISS"},
      {"en", "the Kazakhstan Institute for Strategic Studies", "KazISS"},
      {"ru", "Эксперты КИСИ встретились со студентами.", "KazISS"},
      {"ru", "директор Казахстанского института стратегических исследований", "KazISS"},
      {"kk", "ҚСЗИ сарапшылары студенттермен кездесті.", "KazISS"},
      {"kk", "ҚСЗИ-дің сарапшысы", "KazISS"},
      {"ru", "саммит Шанхайской организации сотрудничества", "SCO"},
      {"ru", "в рамках ОДКБ", "CSTO"},
      {"kk", "ҰҚШҰ аясында", "CSTO"},
      {"ru", "партнёры из ЕС и Китая", "EU"},
      {"ru", "позиция Евросоюза", "EU"},
      {"ru", "Международного фонда спасения Арала", "IFAS"},
      {"en", "with World Bank support", "World Bank"},
      {"ru", "по оценкам Всемирного банка", "World Bank"},
  };
  for (const auto& c : cases) {
    INFO(c.lang << ": " << c.text);
    const Entities e = run(c.lang, "", c.text);
    CHECK(e.orgs == std::vector<std::string>{c.org});
    CHECK(e.people.empty());
  }
}

TEST_CASE("inflected and abbreviated forms of a person's name give the canonical name") {
  struct Case {
    std::string lang, text, person;
  };
  const Case cases[] = {
      {"ru", "— подчеркнул Е. Тукумов.", "Yerkin Tukumov"},
      {"ru", "Делегацию принял Еркин Тукумов.", "Yerkin Tukumov"},
      {"ru", "Интервью Еркина Тукумова.", "Yerkin Tukumov"},
      {"ru", "Беседа с Тукумовым продлилась час.", "Yerkin Tukumov"},
      {"en", "Ye. Tukumov said the region needs its own voice.", "Yerkin Tukumov"},
      {"kk", "Е. Тұқымовтың айтуынша", "Yerkin Tukumov"},
      {"ru", "Состоялась встреча с Натальей Герман.", "Natalia Gherman"},
      {"ru", "Наталья Герман отметила", "Natalia Gherman"},
      {"kk", "Наталья Германмен кездесті", "Natalia Gherman"},
      {"en", "UNRCCA head N. German briefed experts.", "Natalia Gherman"},
      {"en", "led by Natalia Gherman", "Natalia Gherman"},
      {"ru", "выступил Ерлан Карин", "Erlan Karin"},
      {"en", "said Ms. Friberg-Storey", "Michaela Friberg-Storey"},
      {"kk", "БҰҰ Бас хатшысы Антониу Гутерриш", "Antonio Guterres"},
      {"ru", "Президент Касым-Жомарт Токаев подписал указ.", "Kassym-Jomart Tokayev"},
      {"ru", "по поручению Токаева", "Kassym-Jomart Tokayev"},
      {"kk", "Мемлекет басшысы Қасым-Жомарт Тоқаевтың сапары", "Kassym-Jomart Tokayev"},
      {"ru", "встреча с Шавкатом Мирзиёевым", "Shavkat Mirziyoyev"},
  };
  for (const auto& c : cases) {
    INFO(c.lang << ": " << c.text);
    const Entities e = run(c.lang, "", c.text);
    CHECK(has(e.people, c.person));
    CHECK(e.people.size() == 1);
  }
}

TEST_CASE("words that only look like a name give nothing") {
  struct Case {
    std::string lang, text;
  };
  const Case cases[] = {
      {"ru", "Лавры победителя достались другим."},  // not Лавров
      {"ru", "На пути к цели."},                     // not Путин
      {"en", "German companies invested."},          // "N. German" needs the initial
      {"ru", "Герман приехал в Алматы."},            // a first name alone is not Natalia Gherman
      {"kk", "Ол есін жиды, ес кетті."},             // the Kazakh word ес is not the EU's ЕС
      {"en", "Who decides? Those who vote."},        // not WHO
      {"en", "WHO said so."},                        // one capital WHO is not enough (min_count 2)
  };
  for (const auto& c : cases) {
    INFO(c.lang << ": " << c.text);
    const Entities e = run(c.lang, "", c.text);
    CHECK(e.people.empty());
    CHECK(e.orgs.empty());
  }
  // The same words where they are the names.
  CHECK(run("ru", "", "С. Лавров прибыл.").people == std::vector<std::string>{"Sergey Lavrov"});
  CHECK(run("ru", "", "Партнёры из ЕС.").orgs == std::vector<std::string>{"EU"});
  CHECK(run("en", "", "WHO data. WHO said so.").orgs == std::vector<std::string>{"WHO"});
}

TEST_CASE("the longest alias wins") {
  struct Case {
    std::string lang, text;
    std::vector<std::string> orgs, people;
  };
  const Case cases[] = {
      {"en", "the UN Regional Centre for Preventive Diplomacy for Central Asia", {"UNRCCA"}, {}},
      {"ru", "делегация Регионального центра ООН по превентивной дипломатии для Центральной Азии", {"UNRCCA"}, {}},
      {"kk", "БҰҰ-ның превентивті дипломатия жөніндегі өңірлік орталығының басшысы", {"UNRCCA"}, {}},
      {"ru", "резолюция Совета Безопасности ООН", {"UN Security Council"}, {}},
      {"ru", "доклад ЕЭК ООН", {"UNECE"}, {}},
      {"en", "students of Nazarbayev University", {"Nazarbayev University"}, {}},
      {"ru", "Региональная антитеррористическая структура ШОС", {"SCO RATS"}, {}},
      // Both, where each is named on its own.
      {"en", "the UN and its Regional Centre, UNRCCA", {"UN", "UNRCCA"}, {}},
  };
  for (const auto& c : cases) {
    INFO(c.lang << ": " << c.text);
    const Entities e = run(c.lang, "", c.text);
    CHECK(e.orgs == c.orgs);
    CHECK(e.people == c.people);
  }
}

TEST_CASE("a name does not run from the title into the body") {
  CHECK(run("ru", "Встреча с Натальей", "Герман приехал позже.").people.empty());
  CHECK(run("ru", "", "Встреча с Натальей Герман.").people == std::vector<std::string>{"Natalia Gherman"});
}

TEST_CASE("a water article gets the topic water and not energy") {
  struct Case {
    std::string lang, title, body;
  };
  const Case cases[] = {
      {"ru", "Маловодье на Сырдарье: фермеры ждут воду",
       "Уровень воды в реке упал вдвое. Водохранилище заполнено на треть, и воды для орошения не хватает. "
       "Эксперты предлагают договориться о водопользовании в бассейне реки."},
      {"en", "Farmers Wait for Water as the Syr Darya Runs Low",
       "The river has fallen to half its usual level. The reservoir is a third full, and there is not enough "
       "water for irrigation. Experts propose a basin-wide agreement on water management."},
      {"kk", "Сырдария өзенінде су тапшылығы",
       "Өзендегі су деңгейі екі есе төмендеді. Су қоймасы үштен бірге ғана толған, егістікті суаруға су жетпейді. "
       "Сарапшылар су шаруашылығы бойынша келісім жасауды ұсынады."},
  };
  for (const auto& c : cases) {
    INFO(c.lang << ": " << c.title);
    const Entities e = run(c.lang, c.title, c.body);
    CHECK(has(e.topics, "water"));
    CHECK_FALSE(has(e.topics, "energy"));
  }
}

TEST_CASE("a single passing mention of a topic word does not assign the topic") {
  struct Case {
    std::string lang, body, topic;
  };
  const Case cases[] = {
      {"ru", "Институт объявил набор на летнюю программу; участникам предоставят жильё и воду.", "water"},
      {"en", "The institute opened applications for its summer programme; housing and water are provided.", "water"},
      {"kk", "Институт жазғы бағдарламаға қабылдау бастады; қатысушыларға тұрғын үй және су беріледі.", "water"},
      {"en", "The delegation also discussed security at the venue.", "security"},
      {"ru", "Участники обсудили также вопросы энергетики.", "energy"},
  };
  for (const auto& c : cases) {
    INFO(c.lang << ": " << c.body);
    CHECK_FALSE(has(run(c.lang, "Announcement", c.body).topics, c.topic));
  }
}

TEST_CASE("topic scores: title hits weigh 3, body hits 1, each term at most 3 times") {
  auto with_min = [](int min_score) {
    const std::string tax = R"({"min_score": )" + std::to_string(min_score) +
                            R"(, "topics": [{"id": "tea", "label": {"en": "Tea"},
                                "terms": {"en": ["tea", "green tea"], "ru": ["чай"]}}]})";
    return EntityExtractor::from_json(kGazetteer, tax);
  };
  struct Case {
    std::string lang, title, body;
    int min_score;
    bool assigned;
  };
  const Case cases[] = {
      {"en", "", "tea", 2, false},
      {"en", "", "tea, teas", 2, true},  // one stem, two hits
      {"en", "Tea", "", 3, true},        // a title hit is 3
      {"en", "Tea", "", 4, false},
      {"en", "", "tea tea tea tea tea tea", 4, false},    // capped at 3 hits
      {"en", "", "tea tea tea, and green tea", 4, true},  // two terms: "green tea" is one hit, not a "tea"
      {"ru", "", "чая, чаю, чаем", 3, true},              // inflected forms share the stem
  };
  for (const auto& c : cases) {
    INFO(c.lang << ": [" << c.title << "] " << c.body << " min_score " << c.min_score);
    CHECK(has(run(c.lang, c.title, c.body, with_min(c.min_score)).topics, "tea") == c.assigned);
  }
}

TEST_CASE("bad configuration is an error that names the problem") {
  struct Case {
    std::string gazetteer, taxonomy, message;
  };
  const std::string g = kGazetteer, t = kTaxonomy;
  const Case cases[] = {
      {"{not json", t, "not valid JSON"},
      {g, "[1, 2", "not valid JSON"},
      {R"({"people": [], "organisations": []})", t, "unknown field 'organisations'"},
      {R"({"people": [{"id": "P", "aliases": ["P Q"], "alias": "x"}]})", t, "people[0]: unknown field 'alias'"},
      {R"({"people": [{"aliases": ["P Q"]}]})", t, "people[0]: missing field 'id'"},
      {R"({"people": [{"id": "P", "aliases": ["Pat", ""]}]})", t, "people[0].aliases[1]: empty alias"},
      {R"({"people": [{"id": "P", "aliases": [" — "]}]})", t, "people[0].aliases[0]: empty alias"},
      {R"({"people": [{"id": "P", "aliases": []}]})", t, "people[0].aliases: must be a non-empty array"},
      {R"({"people": [{"id": "P", "aliases": [5]}]})", t, "people[0].aliases[0]: must be a string"},
      {R"({"people": [{"id": "P", "aliases": [{"text": "P", "min_count": 0}]}]})", t, "min_count"},
      {R"({"people": [{"id": "P", "aliases": [{"text": "P", "case": true}]}]})", t, "unknown field 'case'"},
      {R"({"people": [{"id": "P", "aliases": ["Pat"]}, {"id": "P", "aliases": ["Pam"]}]})", t, "duplicate id 'P'"},
      {R"({"people": [{"id": "P", "aliases": ["Pat Doe"]}], "organizations": [{"id": "O", "aliases": ["PAT  doe"]}]})",
       t, "is also an alias of 'P'"},
      {g, R"({"topics": [{"id": "Tea Time", "label": {"en": "T"}, "terms": {"en": ["tea"]}}]})", "not a slug"},
      {g, R"({"topics": [{"id": "t", "label": {"en": "T"}, "terms": {"en": ["tea", " "]}}]})",
       "topics[0].terms.en[1]: empty term"},
      {g, R"({"topics": [{"id": "t", "label": {"en": "T"}, "terms": {"de": ["Tee"]}}]})", "unknown field 'de'"},
      {g, R"({"topics": [{"id": "t", "label": {"ru": "Т"}, "terms": {"en": ["tea"]}}]})", "needs an \"en\" label"},
      {g, R"({"topics": [{"id": "t", "label": {"en": "T"}, "terms": {}}]})", "has no terms"},
      {g, R"({"topics": [], "min_score": "two"})", "min_score"},
      {g, R"({"topic": []})", "unknown field 'topic'"},
      {g, R"({"min_score": 2})", "missing field 'topics'"},
  };
  for (const auto& c : cases) {
    INFO(c.gazetteer << "\n" << c.taxonomy);
    CHECK_THROWS_WITH(EntityExtractor::from_json(c.gazetteer, c.taxonomy), Catch::Contains(c.message));
  }
  CHECK_NOTHROW(EntityExtractor::from_json(g, t));
}

TEST_CASE("a bad configuration file is named in the error") {
  test::TempDir dir;
  const std::string gaz = (dir.path() / "gaz.json").string(), tax = (dir.path() / "tax.json").string();
  test::write_file(gaz, R"({"people": [{"id": "P", "aliases": [""]}]})");
  test::write_file(tax, kTaxonomy);
  CHECK_THROWS_WITH(EntityExtractor::from_files(gaz, tax), Catch::Contains(gaz) && Catch::Contains("empty alias"));
  const std::string missing = (dir.path() / "missing.json").string();
  CHECK_THROWS_WITH(EntityExtractor::from_files(missing, tax), Catch::Contains(missing));
  test::write_file(gaz, kGazetteer);
  test::write_file(tax, R"({"topics": [{"id": "t"}]})");
  CHECK_THROWS_WITH(EntityExtractor::from_files(gaz, tax),
                    Catch::Contains(tax) && Catch::Contains("missing field 'label'"));
}

TEST_CASE("a default extractor extracts nothing, and a mismatched analyzer is refused") {
  Article a;
  a.id = "x";
  a.lang = "en";
  a.body = "The UN and KazISS on water, water, water.";
  analysis::Analyzer analyzer;
  const Entities e = EntityExtractor().extract(a, analyzer);
  CHECK(e.people.empty());
  CHECK(e.orgs.empty());
  CHECK(e.topics.empty());
  CHECK(EntityExtractor().alias_count() == 0);

  analysis::AnalysisOptions unstemmed;
  unstemmed.stem = false;
  analysis::Analyzer other(unstemmed);
  CHECK_THROWS_AS(shipped().extract(a, other), std::invalid_argument);
}

TEST_CASE("the fingerprint follows the configuration") {
  const auto a = EntityExtractor::from_json(kGazetteer, kTaxonomy);
  const auto b = EntityExtractor::from_json(kGazetteer, kTaxonomy);
  const auto c = EntityExtractor::from_json(R"({"people": [{"id": "P", "aliases": ["Pat Roe"]}]})", kTaxonomy);
  CHECK(a.fingerprint().size() == 16);
  CHECK(a.fingerprint() == b.fingerprint());
  CHECK(a.fingerprint() != c.fingerprint());
}

TEST_CASE("the sample archive gets the expected entities and topics") {
  const std::vector<Article> articles = sample_articles();
  REQUIRE(articles.size() == 46);
  analysis::Analyzer analyzer;
  std::map<std::string, Entities> got;
  for (const Article& a : articles) got[a.id] = shipped().extract(a, analyzer);

  // Named in the sample's README and text.
  const Entities& first = got.at("sample-0001");
  CHECK(has(first.orgs, "UNRCCA"));
  CHECK(has(first.orgs, "KazISS"));
  CHECK(has(first.people, "Natalia Gherman"));
  CHECK(has(first.people, "Yerkin Tukumov"));
  struct Expect {
    std::string id;
    std::vector<std::string> people, orgs, topics;
  };
  const Expect expected[] = {
      {"sample-0002",
       {"Natalia Gherman", "Yerkin Tukumov"},
       {"KazISS", "UNRCCA"},
       {"afghanistan", "diplomacy", "water"}},
      {"sample-0003", {"Natalia Gherman", "Yerkin Tukumov"}, {"KazISS", "UN", "UNRCCA"}, {"diplomacy"}},
      {"sample-0004", {"Yerkin Tukumov"}, {"CAEF", "KazISS"}, {}},
      {"sample-0006", {}, {"CAEF", "KazISS"}, {}},
      {"sample-0007", {}, {"IFAS", "KazISS"}, {"water"}},
      {"sample-0008", {}, {"IFAS", "KazISS", "World Bank"}, {"water"}},
      {"sample-0009", {}, {"CSTO", "SCO", "UN", "UNRCCA"}, {"afghanistan", "security"}},
      {"sample-0011", {}, {"CSTO", "SCO", "UN"}, {"afghanistan"}},
      {"sample-0014", {}, {"UNDP"}, {"climate", "energy"}},
      {"sample-0017", {}, {"FAO"}, {"food-security"}},
      {"sample-0018", {}, {"FAO"}, {"food-security"}},
      {"sample-0019", {}, {"UN Security Council", "UNRCCA"}, {"gender"}},
      {"sample-0020", {}, {"UN Security Council", "UNRCCA"}, {"gender"}},
      {"sample-0023", {}, {"CIS", "EAEU", "SCO"}, {}},
      {"sample-0024", {"Erlan Karin", "Yerkin Tukumov"}, {"KazISS"}, {}},
      {"sample-0026", {}, {"CSTO", "SCO"}, {"security"}},
      {"sample-0031", {}, {}, {"transport-logistics"}},
      {"sample-0032", {}, {"World Bank"}, {"migration"}},
      {"sample-0033", {"Michaela Friberg-Storey", "Yerkin Tukumov"}, {"KazISS", "UN"}, {}},
      {"sample-0034", {"Natalia Gherman"}, {"UNRCCA"}, {"diplomacy"}},
      {"sample-0035", {"Yerkin Tukumov"}, {"KazISS"}, {"health"}},
      {"sample-0037", {"Yerkin Tukumov"}, {"Taliban"}, {"afghanistan"}},
      {"sample-0040", {}, {"Mazhilis"}, {"elections", "reforms"}},
      {"sample-0041", {}, {"KazISS"}, {"water"}},
      {"sample-0042", {"Antonio Guterres"}, {"SCO", "UN"}, {}},
      {"sample-0045", {}, {}, {"energy"}},
  };
  for (const auto& x : expected) {
    INFO(x.id);
    const Entities& e = got.at(x.id);
    for (const auto& p : x.people) CHECK(has(e.people, p));
    for (const auto& o : x.orgs) CHECK(has(e.orgs, o));
    for (const auto& t : x.topics) CHECK(has(e.topics, t));
  }
  // The hostile test article names nobody.
  CHECK(got.at("sample-0666").people.empty());
  CHECK(got.at("sample-0666").orgs.empty());

  // Every version of an event shares its main topic.
  const std::map<std::string, std::string> event_topic = {
      {"event:aral-2021", "water"},
      {"event:afghanistan-2021", "afghanistan"},
      {"event:climate-2023", "climate"},
      {"event:food-security-2022", "food-security"},
      {"event:gender-dialogue-2024", "gender"},
  };
  int event_articles = 0;
  for (const Article& a : articles) {
    for (const auto& tag : a.tags) {
      auto it = event_topic.find(tag);
      if (it == event_topic.end()) continue;
      INFO(a.id << " " << tag);
      CHECK(has(got.at(a.id).topics, it->second));
      ++event_articles;
    }
  }
  CHECK(event_articles == 12);

  // Facets stay meaningful: few topics per article, lists sorted and unique.
  size_t with_topics = 0;
  for (const auto& [id, e] : got) {
    INFO(id);
    CHECK(e.topics.size() <= 6);
    with_topics += !e.topics.empty();
    for (const auto* list : {&e.people, &e.orgs, &e.topics}) {
      CHECK(std::is_sorted(list->begin(), list->end()));
      CHECK(std::adjacent_find(list->begin(), list->end()) == list->end());
    }
  }
  CHECK(with_topics >= 38);
}

TEST_CASE("the indexer's single analysis finds the same entities, on any thread") {
  const std::vector<Article> articles = sample_articles();
  analysis::Analyzer analyzer;
  std::vector<Entities> reference;
  for (const Article& a : articles) reference.push_back(shipped().extract(a, analyzer));

  // DocumentBuilder stems each token once and hands its tokens and stems to
  // the extractor: every entity extract(article) finds must be a term.
  DocumentBuilder builder({}, shipped());
  size_t checked = 0;
  for (size_t i = 0; i < articles.size(); ++i) {
    const Article& a = articles[i];
    INFO(a.id);
    const Xapian::Document doc = builder.build(a, "hash");
    auto has = [&](std::string_view prefix, const std::string& value) {
      const std::string t = schema::term(prefix, value);
      Xapian::TermIterator it = doc.termlist_begin();
      it.skip_to(t);
      return it != doc.termlist_end() && *it == t;
    };
    for (const auto& p : reference[i].people) CHECK(has(schema::prefix::person, p));
    for (const auto& o : reference[i].orgs) CHECK(has(schema::prefix::org, o));
    for (const auto& t : reference[i].topics) CHECK(has(schema::prefix::topic, t));
    checked += reference[i].people.size() + reference[i].orgs.size() + reference[i].topics.size();
  }
  CHECK(checked >= 60);

  // One extractor, two threads, each with its own Analyzer.
  std::vector<Entities> results[2];
  std::vector<std::thread> threads;
  for (auto& out : results) {
    threads.emplace_back([&articles, &out] {
      analysis::Analyzer own;
      for (const Article& a : articles) out.push_back(shipped().extract(a, own));
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& out : results) {
    REQUIRE(out.size() == reference.size());
    for (size_t i = 0; i < out.size(); ++i) {
      CHECK(out[i].people == reference[i].people);
      CHECK(out[i].orgs == reference[i].orgs);
      CHECK(out[i].topics == reference[i].topics);
    }
  }
}

TEST_CASE("extraction speed over the sample archive (reported, not asserted)", "[.][bench]") {
  const std::vector<Article> articles = sample_articles();
  analysis::Analyzer analyzer;
  size_t bytes = 0, docs = 0;
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500)) {
    for (const Article& a : articles) {
      const Entities e = shipped().extract(a, analyzer);
      bytes += a.title.size() + a.body.size();
      ++docs;
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "entity extraction: " << static_cast<long>(docs / s) << " docs/s, " << bytes / s / 1e6
            << " MB/s on one core\n";
  CHECK(docs > 0);
}
