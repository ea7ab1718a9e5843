#include "searchd/snippet.h"

#include <algorithm>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "indexer/schema.h"
#include "stemmers/analyzer.h"
#include "stemmers/normalize.h"

namespace letopis::searchd {
namespace {

uint32_t fold_case(UChar32 c) {
  // The common scripts without ICU's tables; the rest through them.
  if (c < 0x80) return static_cast<uint32_t>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (c >= 0x410 && c <= 0x42F) c += 0x20;       // А..Я
  else if (c >= 0x400 && c <= 0x40F) c += 0x50;  // Ѐ..Џ, Ё among them
  else if (c >= 0x430 && c <= 0x45F) {
    // already lower case
  } else if ((c >= 0x460 && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x4FF)) {
    c |= 1;  // Ѡ..ҿ, Ӑ..ӿ (Kazakh's ә ғ қ ң ө ұ ү һ і among them): upper even, lower odd
  } else if (c >= 0x4C1 && c <= 0x4CE) {
    c += (c & 1);  // Ӂ..ӎ: upper odd
  } else {
    c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
  }
  return static_cast<uint32_t>(c == 0x451 ? 0x435 : c);  // ё = е
}

// A word's character as its head compares it (SnippetQuery::may_match):
// case-folded, ё as е, and a Cyrillic letter as its Latin look-alike, so
// that a scraped «вoдные» (a Latin o) begins like the stem «водн», as the
// analyzer, which folds look-alikes, stems it. A looser filter only means
// a few more words stemmed.
uint32_t fold(UChar32 c) {
  const uint32_t f = fold_case(c);
  const char32_t l = f >= 0x430 ? analysis::latin_lookalike(f) : 0;  // Latin stays as it is
  return l ? static_cast<uint32_t>(l) : f;
}

// A character that is part of a word: a letter, digit or combining mark.
bool word_char(UChar32 c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (c >= 0x400 && c <= 0x4FF) return c != 0x482;  // Cyrillic: letters and combining marks
  return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_MN_MASK | U_GC_MC_MASK)) != 0;
}

// The first two characters of a word, case-folded (0 where there is none).
std::pair<uint32_t, uint32_t> head(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t len = static_cast<int32_t>(std::min<size_t>(s.size(), 64));
  int32_t i = 0;
  uint32_t out[2] = {0, 0};
  for (int n = 0; n < 2 && i < len; ++n) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0 || !word_char(c)) break;
    out[n] = fold(c);
  }
  return {out[0], out[1]};
}


bool is_apostrophe(UChar32 c) { return c == '\'' || c == 0x2019; }

struct Word {
  size_t begin, end;  // bytes in the text
};

struct Match {
  size_t begin, end;
  int stem;
};

void append_escaped(std::string& out, std::string_view s) {
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '&' && c != '<' && c != '>') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : "&gt;";
  }
  out.append(s.data() + run, s.size() - run);
}

bool sentence_end(char c) { return c == '.' || c == '!' || c == '?'; }

const std::string kEllipsis = "…";

// How many windows past the first match a text is read for a better one.
constexpr size_t kReadOn = 4;

// How many bytes of opening quotes and brackets end text[0, at).
size_t opening_punctuation(std::string_view text, size_t at) {
  static const std::string_view kOpening[] = {"\"", "'", "(", "[", "«", "“", "„", "‘"};
  size_t n = 0;
  for (bool more = true; more;) {
    more = false;
    for (std::string_view o : kOpening) {
      if (at - n >= o.size() && text.substr(at - n - o.size(), o.size()) == o) {
        n += o.size();
        more = true;
        break;
      }
    }
  }
  return n;
}

// Whether the word at text[at] begins the text, a paragraph or a sentence.
bool sentence_start(std::string_view text, size_t at) {
  size_t back = at - opening_punctuation(text, at);
  bool newline = false;
  while (back > 0 && (text[back - 1] == ' ' || text[back - 1] == '\n' || text[back - 1] == '\t' || text[back - 1] == '\r')) {
    newline = newline || text[back - 1] == '\n';
    --back;
  }
  if (back == 0 || newline) return true;
  // ". ", "?» ", "!) ": the sentence's end, and maybe a closing quote.
  size_t end = back;
  for (std::string_view c : {std::string_view("\""), std::string_view("»"), std::string_view(")"), std::string_view("”")}) {
    if (end >= c.size() && text.substr(end - c.size(), c.size()) == c) {
      end -= c.size();
      break;
    }
  }
  return back < at && end > 0 && sentence_end(text[end - 1]);
}

}  // namespace

SnippetQuery::SnippetQuery(const Xapian::Query& query, const Xapian::MSet& mset) {
  const std::string_view prefix = schema::prefix::stem;
  std::vector<Xapian::doccount> freqs;
  for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
    const std::string term = *t;
    // Z<stem> only: not ZS (title) nor other prefixes, whose next letter is
    // upper case, nor exact forms (a stem match covers them).
    if (term.size() <= prefix.size() || term.compare(0, prefix.size(), prefix) != 0) continue;
    const char next = term[prefix.size()];
    if (next >= 'A' && next <= 'Z') continue;
    std::string stem = term.substr(prefix.size());
    if (stems_.count(stem)) continue;
    Xapian::doccount df = 0;
    try {
      df = mset.empty() ? 0 : mset.get_termfreq(term);
    } catch (const Xapian::Error&) {
      df = 0;
    }
    add_head(stem);
    stems_.emplace(std::move(stem), static_cast<int>(freqs.size()));
    freqs.push_back(df);
  }
  // Every word counts 1, a rarer one up to 2: 1 + (the rarest's document
  // count / its own). From counts, not from Xapian's float term weights, so
  // that a sharded search (whose weights may differ in the last bits)
  // chooses the same passage as one index.
  Xapian::doccount rarest = 0;
  for (Xapian::doccount df : freqs) {
    if (df > 0 && (rarest == 0 || df < rarest)) rarest = df;
  }
  for (Xapian::doccount df : freqs) {
    weights_.push_back(1 + (df > 0 ? static_cast<double>(rarest) / static_cast<double>(df) : 1));
  }
  // The analyzer stems some English irregular forms as their base ("took"
  // -> "take"): such a form may match a stem it does not begin like.
  for (const auto& [form, base] : analysis::english_irregular_forms()) {
    if (may_match(base)) add_head(form);
  }
}

void SnippetQuery::add_head(std::string_view word) {
  const auto [a, b] = head(word);
  if (a == 0) return;
  auto& set = b == 0 ? single_ : pairs_;
  const uint64_t k = b == 0 ? a : key(a, b);
  if (std::find(set.begin(), set.end(), k) == set.end()) set.push_back(k);
}

bool SnippetQuery::may_match(std::string_view word) const {
  const auto [a, b] = head(word);
  return may_match(a, b);
}

bool SnippetQuery::may_match(uint32_t a, uint32_t b) const {
  if (a == 0) return false;
  // A handful of heads: a scan beats hashing.
  return std::find(pairs_.begin(), pairs_.end(), key(a, b)) != pairs_.end() ||
         std::find(single_.begin(), single_.end(), uint64_t{a}) != single_.end();
}

int SnippetQuery::find(const std::string& stem) const {
  auto it = stems_.find(stem);
  return it == stems_.end() ? -1 : it->second;
}

int SnippetQuery::stem_of(std::string_view word, const Xapian::Stem& stemmer) const {
  // Held, the stemmer cannot be freed and another made at its address.
  if (seen_by_.internal.get() != stemmer.internal.get()) {
    seen_by_ = stemmer;
    seen_.clear();
  }
  const size_t h = std::hash<std::string_view>()(word);
  for (const Seen& s : seen_) {
    if (s.hash == h && s.word == word) return s.stem;
  }
  scratch_.assign(word);
  const int stem = find(stemmer(scratch_));
  if (seen_.size() < kSeenWords) seen_.push_back({h, scratch_, stem});
  return stem;
}

Snippet make_snippet(std::string_view text, size_t length, const SnippetQuery& query, const Xapian::Stem& stemmer,
                     bool more_text) {
  length = std::max<size_t>(length, 1);
  // Words and matches, in one pass.
  // Scratch kept by the thread: a page's snippets reuse it.
  thread_local std::vector<Word> words;
  thread_local std::vector<Match> matches;
  words.clear();
  matches.clear();
  if (words.capacity() > (1u << 16)) words.shrink_to_fit();  // after a very long text: give it back
  if (matches.capacity() > (1u << 16)) matches.shrink_to_fit();
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  std::vector<size_t> last(query.size(), SIZE_MAX);  // where each stem was seen last
  size_t stop_after = SIZE_MAX;
  bool covered = false;
  int32_t i = 0;
  // The next character at i (advancing i); Latin and Cyrillic without the
  // general decoder. Negative for a malformed sequence.
  auto next = [&](int32_t& at) -> UChar32 {
    const uint8_t b = p[at];
    if (b < 0x80) {
      ++at;
      return b;
    }
    if ((b & 0xE0) == 0xC0 && b >= 0xC2 && at + 1 < n && (p[at + 1] & 0xC0) == 0x80) {
      const UChar32 c = ((b & 0x1F) << 6) | (p[at + 1] & 0x3F);
      at += 2;
      return c;
    }
    UChar32 c;
    U8_NEXT(p, at, n, c);
    return c;
  };
  while (i < n && static_cast<size_t>(i) <= stop_after) {
    const int32_t start = i;
    UChar32 c = next(i);
    if (c < 0 || !word_char(c)) continue;
    // The word's first two characters, folded, for SnippetQuery::may_match.
    uint32_t h[2] = {fold(c), 0};
    int32_t end = i;
    while (end < n) {
      int32_t j = end;
      c = next(j);
      if (c >= 0 && word_char(c)) {
        if (h[1] == 0 && end == i) h[1] = fold(c);
        end = j;
        continue;
      }
      // An apostrophe between letters stays inside the word ("don't").
      if (c >= 0 && is_apostrophe(c) && j < n) {
        int32_t k = j;
        const UChar32 d = next(k);
        if (d >= 0 && word_char(d)) {
          end = k;
          continue;
        }
      }
      break;
    }
    i = end;
    const std::string_view w = text.substr(static_cast<size_t>(start), static_cast<size_t>(end - start));
    words.push_back({static_cast<size_t>(start), static_cast<size_t>(end)});
    if (w.size() > 64 || !query.may_match(h[0], h[1])) continue;
    const int stem = query.stem_of(w, stemmer);
    if (stem < 0) continue;
    matches.push_back({static_cast<size_t>(start), static_cast<size_t>(end), stem});
    // Read on for a few windows past the first match, as snippet() did
    // (it stopped one window past its best); once every stem is within one
    // window, no later window can score more: read only as far as it reaches.
    if (matches.size() == 1) stop_after = static_cast<size_t>(start) + kReadOn * length;
    if (!covered) {
      last[static_cast<size_t>(stem)] = static_cast<size_t>(start);
      const size_t reach = static_cast<size_t>(end) > length ? static_cast<size_t>(end) - length : 0;
      if (std::all_of(last.begin(), last.end(), [&](size_t at) { return at != SIZE_MAX && at >= reach; })) {
        stop_after = std::min(stop_after, static_cast<size_t>(start) + length);
        covered = true;
      }
    }
  }

  // The best window: most weight of distinct stems, then more occurrences,
  // then the earliest. Each window starts at a match.
  size_t best_first = 0;
  double best_score = -1;
  std::vector<int> seen;
  for (size_t a = 0; a < matches.size(); ++a) {
    seen.clear();
    double score = 0;
    size_t b = a;
    for (; b < matches.size() && matches[b].end - matches[a].begin <= length; ++b) {
      if (std::find(seen.begin(), seen.end(), matches[b].stem) == seen.end()) {
        seen.push_back(matches[b].stem);
        score += query.weight(matches[b].stem);
      } else {
        score += 0.1;  // a repeat adds a little
      }
    }
    if (score > best_score) {
      best_score = score;
      best_first = a;
    }
  }
  const bool matched = !matches.empty();

  // The window in whole words. It starts at the start of the sentence of
  // the best window's first match if that is in reach (a quarter of the
  // room the matches leave, or all of it near the text's end), else as far
  // before the match as is in reach; without a match, at the text's start.
  auto word_at = [&](size_t byte) {  // the first word beginning at or after byte
    return static_cast<size_t>(std::lower_bound(words.begin(), words.end(), byte,
                                                [](const Word& w, size_t b) { return w.begin < b; }) -
                               words.begin());
  };
  size_t first_word = 0;
  if (matched) {
    const size_t group = matches[best_first].begin;
    size_t group_end = group;
    for (size_t k = best_first; k < matches.size() && matches[k].end - group <= length; ++k) group_end = matches[k].end;
    const size_t room = (length - (group_end - group)) / 4;
    const size_t target = word_at(group);
    size_t lo = group > room ? group - room : 0;
    // Near the text's end, all the room the end leaves goes in front.
    if (text.size() - group < length) lo = std::min(lo, text.size() > length ? text.size() - length : 0);
    first_word = word_at(lo);
    // The start of the match's own sentence, if in reach; else the earliest
    // word in reach (first_word as found).
    if (first_word > target) first_word = target;
    for (size_t w = target + 1; w-- > first_word;) {
      if (sentence_start(text, words[w].begin)) {
        first_word = w;
        break;
      }
    }
  }
  const size_t from = first_word < words.size() ? words[first_word].begin : 0;
  size_t to = from;
  size_t last_word = first_word;
  for (size_t w = first_word; w < words.size() && words[w].end - from <= length; ++w) {
    to = words[w].end;
    last_word = w + 1;
  }
  if (to == from && first_word < words.size()) {  // one word longer than length
    to = std::min(text.size(), from + length);
    while (to > from && (static_cast<uint8_t>(text[to]) & 0xC0) == 0x80) --to;
    last_word = first_word + 1;
  }

  Snippet out;
  out.matched = matched;
  out.html.reserve(length + length / 4 + 64);  // the text, a few marks and ellipses
  // An ellipsis in front unless the window starts the text or a sentence;
  // opening quotes and brackets right before the first word come with it.
  if (!sentence_start(text, from)) out.html += kEllipsis;
  const size_t opening = from - opening_punctuation(text, from);
  append_escaped(out.html, text.substr(opening, from - opening));

  size_t at = from;
  size_t m = 0;
  for (size_t w = first_word; w < last_word && w < words.size(); ++w) {
    const Word& wd = words[w];
    const size_t wend = std::min(wd.end, to);
    while (m < matches.size() && matches[m].begin < wd.begin) ++m;
    const bool mark = m < matches.size() && matches[m].begin == wd.begin && matches[m].end <= to;
    append_escaped(out.html, text.substr(at, wd.begin - at));
    if (mark) out.html += "<mark>";
    append_escaped(out.html, text.substr(wd.begin, wend - wd.begin));
    if (mark) out.html += "</mark>";
    at = wend;
  }
  // The end: the sentence's punctuation if it ends there, else an ellipsis
  // if the text goes on.
  size_t tail = to;
  while (tail < text.size() && sentence_end(text[tail])) ++tail;
  if (tail > to) {
    append_escaped(out.html, text.substr(to, tail - to));
  } else {
    size_t rest = to;
    while (rest < text.size() && (text[rest] == ' ' || text[rest] == '\n' || text[rest] == '\t' || text[rest] == '\r')) {
      ++rest;
    }
    if (rest < text.size() || more_text) out.html += kEllipsis;
  }
  return out;
}

}  // namespace letopis::searchd
