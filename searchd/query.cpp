#include "searchd/query.h"

#include <algorithm>
#include <optional>

#include "indexer/schema.h"
#include "stemmers/normalize.h"
#include "stemmers/stopwords.h"

namespace letopis::searchd {
namespace {

using analysis::Lang;
using analysis::Token;
using analysis::TokenKind;

struct SyntaxError {};

enum class Tok { word, phrase, lparen, rparen, op_and, op_or, op_not, range, end };

struct Lexeme {
  Tok type = Tok::end;
  std::string text;     // word or phrase text, or range "a..b"
  std::string field;    // "title" for title:...
  char sign = 0;        // '-' or '+' before a word or phrase
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Splits query text into lexemes. Quotes are normalized first («», “” -> ").
std::vector<Lexeme> lex(const std::string& text) {
  std::vector<Lexeme> out;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    Lexeme l;
    if (text[i] == '(') {
      l.type = Tok::lparen;
      ++i;
      out.push_back(l);
      continue;
    }
    if (text[i] == ')') {
      l.type = Tok::rparen;
      ++i;
      out.push_back(l);
      continue;
    }
    if ((text[i] == '-' || text[i] == '+') && i + 1 < n && !is_space(text[i + 1])) {
      l.sign = text[i];
      ++i;
    }
    // field:
    size_t colon = text.find(':', i);
    if (colon != std::string::npos && text.compare(i, colon - i, "title") == 0) {
      l.field = "title";
      i = colon + 1;
    }
    if (i < n && text[i] == '"') {
      size_t close = text.find('"', i + 1);
      if (close == std::string::npos) throw SyntaxError{};
      l.type = Tok::phrase;
      l.text = text.substr(i + 1, close - i - 1);
      i = close + 1;
      out.push_back(l);
      continue;
    }
    size_t j = i;
    while (j < n && !is_space(text[j]) && text[j] != '(' && text[j] != ')' && text[j] != '"') ++j;
    l.text = text.substr(i, j - i);
    i = j;
    if (l.text.empty()) {
      if (l.sign || !l.field.empty()) throw SyntaxError{};
      continue;
    }
    if (l.sign == 0 && l.field.empty()) {
      if (l.text == "AND") l.type = Tok::op_and;
      else if (l.text == "OR") l.type = Tok::op_or;
      else if (l.text == "NOT") l.type = Tok::op_not;
      else if (l.text.find("..") != std::string::npos) l.type = Tok::range;
      else l.type = Tok::word;
    } else {
      l.type = Tok::word;
    }
    out.push_back(l);
  }
  return out;
}

}  // namespace

struct QueryBuilder::Parser {
  Parser(QueryBuilder& b, ParsedQuery& q) : qb(b), pq(q) {}
  QueryBuilder& qb;
  ParsedQuery& pq;
  std::vector<Lexeme> lexemes;
  size_t pos = 0;
  size_t words = 0;
  std::vector<Xapian::Query> all_terms;  // every wanted word's query, for the relaxed OR
  std::vector<Xapian::Query> excluded;   // what NOT and - exclude, which the relaxed OR excludes too
  std::vector<ParsedQuery::Word> typed;  // all_terms' words as typed, and their terms
  std::vector<Xapian::Query> sequence;   // positional stems of plain words, in order (proximity)
  std::vector<Token> tokens;

  const Lexeme& peek() const {
    static const Lexeme end;
    return pos < lexemes.size() ? lexemes[pos] : end;
  }

  // The stems a word is searched under: one per plausible analysis.
  std::vector<std::string> stems(const Token& t) {
    std::vector<std::string> out;
    auto add = [&](Lang l) {
      std::string s = l == Lang::unknown ? t.text : qb.analyzer_.stem(t.text, l);
      if (s.empty()) s = t.text;
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
    };
    add(t.stem_lang);
    // A Cyrillic word with no Kazakh letters in a query that could be either
    // language is searched under both analyses.
    if (pq.cyrillic_ambiguous && t.stem_lang == Lang::ru) add(Lang::kk);
    return out;
  }

  Xapian::Query alternatives(std::string_view prefix, const std::vector<std::string>& ss) {
    std::vector<Xapian::Query> qs;
    for (const auto& s : ss) qs.emplace_back(schema::term(prefix, s));
    return qs.size() == 1 ? qs[0] : Xapian::Query(Xapian::Query::OP_SYNONYM, qs.begin(), qs.end());
  }

  // One analysed word: stem match, plus weight for the exact form and the title.
  Xapian::Query word_query(const Token& t, bool title_only) {
    const std::vector<std::string> ss = stems(t);
    if (title_only) {
      return Xapian::Query(Xapian::Query::OP_OR, alternatives(schema::prefix::title_stem, ss),
                           Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                         Xapian::Query(schema::term(schema::prefix::title, t.text)),
                                         qb.ranking_.exact_form_weight));
    }
    std::vector<Xapian::Query> parts;
    parts.push_back(alternatives(schema::prefix::stem, ss));
    if (qb.cross_script_) {
      std::vector<std::string> other;
      for (const std::string& w : qb.cross_script_(t)) {
        const bool latin = static_cast<unsigned char>(w[0]) < 0x80;
        // Cyrillic: Kazakh if it has Kazakh letters, else Russian (the
        // analyzer's own rule for a word on its own).
        Lang l = Lang::en;
        if (!latin) {
          std::vector<Token> one;
          qb.analyzer_.tokenize(w, Lang::unknown, one);
          l = one.empty() ? Lang::ru : one[0].stem_lang;
        }
        std::string s = qb.analyzer_.stem(w, l);
        if (s.empty()) s = w;
        if (std::find(ss.begin(), ss.end(), s) == ss.end() && std::find(other.begin(), other.end(), s) == other.end()) {
          other.push_back(std::move(s));
        }
      }
      if (!other.empty()) {
        parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, alternatives(schema::prefix::stem, other),
                           QueryBuilder::kCrossScriptWeight);
      }
    }
    if (qb.ranking_.exact_form_weight > 0) {
      // The exact form: anywhere in an index built with exact_forms=1, else
      // in the title (schema v2 indexes body words by stem only).
      const std::string exact = qb.analyzer_.options().exact_forms ? t.text : schema::term(schema::prefix::title, t.text);
      parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(exact), qb.ranking_.exact_form_weight);
    }
    if (qb.ranking_.title_weight > 0) {
      parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, alternatives(schema::prefix::title_stem, ss),
                         qb.ranking_.title_weight);
    }
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  }

  // q, or q OR the entity terms of the alias the tokens spell (a single
  // word, or a whole quoted phrase).
  Xapian::Query with_aliases(const Xapian::Query& q, const std::vector<Token>& ts, bool phrase) {
    std::string key;
    size_t words = 0;
    for (const Token& t : ts) {
      if (t.kind == TokenKind::compound) continue;
      key += (key.empty() ? "" : " ") + t.text;
      ++words;
    }
    if (words == 0 || (words > 1 && !phrase)) return q;
    auto it = qb.aliases_.find(key);
    if (it == qb.aliases_.end()) return q;
    std::vector<Xapian::Query> alts{q};
    for (const std::string& term : it->second) {
      alts.emplace_back(Xapian::Query::OP_FILTER,
                        Xapian::Query((new Xapian::FixedWeightPostingSource(QueryBuilder::kAliasWeight))->release()),
                        Xapian::Query(term));
    }
    return Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end());
  }

  // Positional terms of a sequence of tokens, for phrases.
  Xapian::Query phrase_query(const std::vector<Token>& ts, bool title_only) {
    std::vector<Xapian::Query> qs;
    const std::string_view prefix = title_only ? schema::prefix::title_stem : schema::prefix::stem;
    for (const Token& t : ts) {
      if (t.kind == TokenKind::compound) continue;
      const std::vector<std::string> ss = stems(t);
      std::vector<Xapian::Query> alts;
      for (const auto& s : ss) alts.emplace_back(schema::term(prefix, s));
      qs.push_back(alts.size() == 1 ? alts[0] : Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end()));
    }
    if (qs.empty()) return Xapian::Query();
    if (qs.size() == 1) return qs[0];
    return Xapian::Query(Xapian::Query::OP_PHRASE, qs.begin(), qs.end(), static_cast<Xapian::termcount>(qs.size()));
  }

  // A bare word; it may analyse to several tokens (Алма-Ата, 20.04.2022).
  // Returns an empty query for a stopword (outside phrases).
  Xapian::Query term(const Lexeme& l) {
    tokens.clear();
    qb.analyzer_.tokenize(l.text, pq.lang, tokens);
    // Every token counts: one "word" such as a+b+c+... or a long phrase
    // analyses to many, and each becomes a posting list to merge.
    words += std::max<size_t>(1, tokens.size());
    if (words > kMaxWords) {
      throw ApiError("query_too_complex", "a query may hold at most " + std::to_string(kMaxWords) + " words");
    }
    const bool title_only = l.field == "title";
    Xapian::Query q;
    if (l.type == Tok::phrase) {
      q = phrase_query(tokens, title_only);
    } else {
      std::vector<Token> words_only;
      const Token* compound = nullptr;
      for (const Token& t : tokens) {
        if (t.kind == TokenKind::compound) compound = &t;
        else words_only.push_back(t);
      }
      if (words_only.empty()) return Xapian::Query();
      if (words_only.size() == 1) {
        const Token& t = words_only[0];
        const bool stop = pq.lang == Lang::unknown ? analysis::is_stopword_any(t.text)
                                                   : analysis::is_stopword(pq.lang, t.text);
        if (stop && l.sign != '+') return Xapian::Query();
        q = word_query(t, title_only);
        if (!title_only && l.sign != '-') {
          const std::vector<std::string> ss = stems(t);
          std::vector<Xapian::Query> alts;
          for (const auto& s : ss) alts.emplace_back(schema::term(schema::prefix::stem, s));
          sequence.push_back(alts.size() == 1 ? alts[0] : Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end()));
        }
      } else {
        q = phrase_query(words_only, title_only);
        if (compound) q = Xapian::Query(Xapian::Query::OP_OR, Xapian::Query(compound->text), q);
      }
    }
    if (!q.empty() && !title_only && !qb.aliases_.empty()) q = with_aliases(q, tokens, l.type == Tok::phrase);
    if (!q.empty()) {
      pq.has_words = true;
      if (l.sign != '-') {
        all_terms.push_back(q);
        ParsedQuery::Word w{l.type == Tok::phrase ? "\"" + l.text + "\"" : l.text,
                            {q.get_unique_terms_begin(), q.get_unique_terms_end()}, {}};
        if (l.type == Tok::phrase) {
          const std::string_view prefix = title_only ? schema::prefix::title_stem : schema::prefix::stem;
          for (const Token& t : tokens) {
            if (t.kind == TokenKind::compound) continue;
            w.all.emplace_back();
            for (const auto& s : stems(t)) w.all.back().push_back(schema::term(prefix, s));
          }
          // What is left in `any` are the aliases' terms.
          std::erase_if(w.any, [&](const std::string& term) {
            return std::any_of(w.all.begin(), w.all.end(), [&](const auto& g) {
              return std::find(g.begin(), g.end(), term) != g.end();
            });
          });
        }
        typed.push_back(std::move(w));
      }
    }
    return q;
  }

  void range(const std::string& text) {
    const size_t dots = text.find("..");
    std::string from = parse_date(text.substr(0, dots), false);
    std::string to = parse_date(text.substr(dots + 2), true);
    if ((dots > 0 && from.empty()) || (dots + 2 < text.size() && to.empty())) throw SyntaxError{};
    if (!from.empty()) pq.from = std::max(pq.from, from);
    if (!to.empty()) pq.to = pq.to.empty() ? to : std::min(pq.to, to);
  }

  Xapian::Query primary(int depth) {
    const Lexeme& l = peek();
    switch (l.type) {
      case Tok::lparen: {
        if (depth >= kMaxDepth) {
          throw ApiError("query_too_complex", "groups may nest at most " + std::to_string(kMaxDepth) + " deep");
        }
        ++pos;
        Xapian::Query q = expr(depth + 1);
        if (peek().type != Tok::rparen) throw SyntaxError{};
        ++pos;
        return q;
      }
      case Tok::word:
      case Tok::phrase:
        ++pos;
        return term(l);
      case Tok::range:
        ++pos;
        range(l.text);
        return Xapian::Query();
      default:
        throw SyntaxError{};
    }
  }

  // and_expr := unary ((AND)? unary)*  -- implicit AND between words
  Xapian::Query and_expr(int depth) {
    std::vector<Xapian::Query> pos_q, neg_q;
    for (;;) {
      const Tok t = peek().type;
      if (t == Tok::end || t == Tok::rparen || t == Tok::op_or) break;
      if (t == Tok::op_and) {
        ++pos;
        continue;
      }
      bool negate = false;
      if (t == Tok::op_not) {
        negate = true;
        ++pos;
      }
      const bool minus = peek().sign == '-';
      const size_t wanted = all_terms.size(), in_sequence = sequence.size();
      Xapian::Query q = primary(depth);
      if (negate || minus) {
        // Words under NOT are not wanted: the relaxed OR neither ranks by
        // them nor lets their documents back in, and the proximity boost
        // pairs the wanted words either side of them.
        all_terms.resize(wanted);
        typed.resize(wanted);
        sequence.resize(in_sequence);
        if (!q.empty()) excluded.push_back(q);
      }
      if (q.empty()) continue;
      (negate || minus ? neg_q : pos_q).push_back(q);
    }
    Xapian::Query q;
    if (!pos_q.empty()) q = Xapian::Query(Xapian::Query::OP_AND, pos_q.begin(), pos_q.end());
    if (!neg_q.empty()) {
      if (q.empty()) q = Xapian::Query::MatchAll;
      q = Xapian::Query(Xapian::Query::OP_AND_NOT, q, Xapian::Query(Xapian::Query::OP_OR, neg_q.begin(), neg_q.end()));
    }
    return q;
  }

  Xapian::Query expr(int depth) {
    std::vector<Xapian::Query> alts;
    for (;;) {
      Xapian::Query q = and_expr(depth);
      if (!q.empty()) alts.push_back(q);
      if (peek().type != Tok::op_or) break;
      ++pos;
    }
    if (alts.empty()) return Xapian::Query();
    return alts.size() == 1 ? alts[0] : Xapian::Query(Xapian::Query::OP_OR, alts.begin(), alts.end());
  }
};

ParsedQuery QueryBuilder::parse(const std::string& text) {
  ParsedQuery pq;
  const analysis::LangGuess g = analysis::detect_language(text);
  pq.lang = g.lang;
  pq.cyrillic_ambiguous = g.cyrillic_ambiguous;
  Parser p(*this, pq);
  try {
    p.lexemes = lex(text);
    pq.query = p.expr(0);
    if (p.pos != p.lexemes.size()) throw SyntaxError{};
  } catch (const SyntaxError&) {
    // Malformed syntax: search the words as typed, ignoring the operators.
    ParsedQuery plain;
    plain.lang = pq.lang;
    plain.cyrillic_ambiguous = pq.cyrillic_ambiguous;
    plain.fallback = true;
    Parser fp(*this, plain);
    std::string cleaned = text;
    for (char& c : cleaned) {
      if (c == '"' || c == '(' || c == ')' || c == ':') c = ' ';
    }
    for (const Lexeme& l : lex(cleaned)) {
      if (l.type == Tok::word || l.type == Tok::op_and || l.type == Tok::op_or || l.type == Tok::op_not ||
          l.type == Tok::range) {
        Lexeme w = l;
        w.type = Tok::word;
        w.sign = 0;
        fp.lexemes.push_back(w);
      }
    }
    plain.query = fp.expr(0);
    pq = std::move(plain);
    p.all_terms = std::move(fp.all_terms);
    p.excluded = std::move(fp.excluded);
    p.typed = std::move(fp.typed);
    p.sequence = std::move(fp.sequence);
  }
  if (pq.query.empty()) pq.query = Xapian::Query::MatchAll;
  if (p.all_terms.size() >= 2) {
    pq.relaxed = Xapian::Query(Xapian::Query::OP_OR, p.all_terms.begin(), p.all_terms.end());
    if (!p.excluded.empty()) {
      pq.relaxed = Xapian::Query(Xapian::Query::OP_AND_NOT, pq.relaxed,
                                 Xapian::Query(Xapian::Query::OP_OR, p.excluded.begin(), p.excluded.end()));
    }
  }
  pq.words = std::move(p.typed);
  // Proximity: each pair of adjacent words found near each other adds weight.
  if (p.sequence.size() >= 2 && p.sequence.size() <= ranking_.proximity_max_words &&
      ranking_.proximity_weight > 0) {
    for (size_t i = 0; i + 1 < p.sequence.size() && pq.proximity.size() < 16; ++i) {
      const Xapian::Query two[] = {p.sequence[i], p.sequence[i + 1]};
      pq.proximity.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                                Xapian::Query(Xapian::Query::OP_NEAR, std::begin(two), std::end(two),
                                              ranking_.proximity_window),
                                ranking_.proximity_weight);
    }
    for (const Xapian::Query& word : p.sequence) {
      pq.proximity_words.emplace_back(word.get_unique_terms_begin(), word.get_unique_terms_end());
    }
  }
  return pq;
}

Xapian::Query ParsedQuery::with_proximity(Xapian::Query q) const {
  // One AND_MAYBE per pair, not one over an OR of the pairs: Xapian 1.4.22
  // credits such an OR with the weight of a pair whose words are in the
  // document but not near each other, depending on the order documents are
  // visited in (tests/unit/test_search.cpp has a case).
  for (const Xapian::Query& pair : proximity) q = Xapian::Query(Xapian::Query::OP_AND_MAYBE, q, pair);
  return q;
}

Xapian::Query QueryBuilder::filters(const SearchRequest& r, const std::string& from, const std::string& to) {
  std::vector<Xapian::Query> groups;
  auto group = [&](std::string_view prefix, const std::vector<std::string>& values, bool normalize_value) {
    if (values.empty()) return;
    std::vector<Xapian::Query> qs;
    for (const auto& v : values) {
      qs.emplace_back(schema::term(prefix, normalize_value ? analysis::normalize(v) : v));
    }
    groups.emplace_back(Xapian::Query::OP_OR, qs.begin(), qs.end());
  };
  std::vector<std::string> langs;
  for (const auto& l : r.langs) langs.emplace_back(analysis::lang_code(analysis::parse_lang(l)));
  group(schema::prefix::lang, langs, false);
  group(schema::prefix::section, r.sections, true);
  group(schema::prefix::tag, r.tags, true);
  group(schema::prefix::topic, r.topics, false);
  group(schema::prefix::person, r.people, false);
  group(schema::prefix::org, r.orgs, false);
  if (!from.empty() || !to.empty()) {
    if (to.empty()) groups.emplace_back(Xapian::Query::OP_VALUE_GE, schema::kSlotDate, from);
    else if (from.empty()) groups.emplace_back(Xapian::Query::OP_VALUE_LE, schema::kSlotDate, to);
    else groups.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::kSlotDate, from, to);
  }
  if (groups.empty()) return Xapian::Query();
  return groups.size() == 1 ? groups[0] : Xapian::Query(Xapian::Query::OP_AND, groups.begin(), groups.end());
}

}  // namespace letopis::searchd
