#include "stemmers/stopwords.h"

#include <string>
#include <unordered_set>

namespace letopis::analysis {
namespace {

using Set = std::unordered_set<std::string_view>;

// Russian: Snowball's Russian stop list (ё folded), trimmed of words that
// carry meaning in news search (e.g. "нельзя" stays out, it is indexed anyway).
const Set& russian() {
  static const Set s = {
      "и", "в", "во", "не", "что", "он", "на", "я", "с", "со", "как", "а", "то", "все", "она",
      "так", "его", "но", "да", "ты", "к", "у", "же", "вы", "за", "бы", "по", "только", "ее",
      "мне", "было", "вот", "от", "меня", "еще", "нет", "о", "из", "ему", "теперь", "когда",
      "даже", "ну", "вдруг", "ли", "если", "уже", "или", "ни", "быть", "был", "него", "до",
      "вас", "нибудь", "опять", "уж", "вам", "ведь", "там", "потом", "себя", "ничего", "ей",
      "может", "они", "тут", "где", "есть", "надо", "ней", "для", "мы", "тебя", "их", "чем",
      "была", "сам", "чтоб", "без", "будто", "чего", "раз", "тоже", "себе", "под", "будет",
      "ж", "тогда", "кто", "этот", "того", "потому", "этого", "какой", "совсем", "ним",
      "здесь", "этом", "один", "почти", "мой", "тем", "чтобы", "нее", "сейчас", "были",
      "куда", "зачем", "всех", "никогда", "можно", "при", "наконец", "два", "об", "другой",
      "хоть", "после", "над", "больше", "тот", "через", "эти", "нас", "про", "всего", "них",
      "какая", "много", "разве", "три", "эту", "моя", "впрочем", "хорошо", "свою", "этой",
      "перед", "иногда", "лучше", "чуть", "том", "нельзя", "такой", "им", "более", "всегда",
      "конечно", "всю", "между", "это", "также", "которые", "который", "которая", "которое",
      "которых", "которой", "этих", "этим", "свой", "своих", "своей", "т.е", "те",
      // The interrogatives' other forms (Snowball lists a few: кто, чем,
      // какой, какая, зачем): a question typed as such carries its topic in
      // its other words.
      "кем", "кому", "кого", "чему", "каким", "какие", "каких", "какую", "каком", "какое",
      "какого", "какому", "какими", "каков", "какова", "каково", "каковы", "сколько",
      "почему", "чей", "чья", "чье", "чьи", "чьим", "чьей", "чьего", "чьих", "такое"};
  return s;
}

// English: Snowball's English stop list, without the contractions.
const Set& english() {
  static const Set s = {
      "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your", "yours",
      "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers", "herself",
      "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "what", "which",
      "who", "whom", "this", "that", "these", "those", "am", "is", "are", "was", "were", "be",
      "been", "being", "have", "has", "had", "having", "do", "does", "did", "doing", "would",
      "should", "could", "ought", "a", "an", "the", "and", "but", "if", "or", "because", "as",
      "until", "while", "of", "at", "by", "for", "with", "about", "against", "between", "into",
      "through", "during", "before", "after", "above", "below", "to", "from", "up", "down",
      "in", "out", "on", "off", "over", "under", "again", "further", "then", "once", "here",
      "there", "when", "where", "why", "how", "all", "any", "both", "each", "few", "more",
      "most", "other", "some", "such", "no", "nor", "not", "only", "own", "same", "so", "than",
      "too", "very", "will", "can", "just", "also"};
  return s;
}

// Kazakh: function words, postpositions, conjunctions and pronouns, compiled
// from Kazakh grammar references (see stemmers/README.md).
const Set& kazakh() {
  static const Set s = {
      "және", "мен", "бен", "пен", "да", "де", "та", "те", "бұл", "осы", "сол", "ол", "олар",
      "біз", "сіз", "сен", "мен", "үшін", "туралы", "арқылы", "бойынша", "сияқты", "дейін",
      "кейін", "бірақ", "алайда", "немесе", "не", "әрі", "яғни", "ғана", "тек", "бар", "жоқ",
      "еді", "екен", "болып", "болды", "болады", "болған", "деп", "деген", "дейді", "ма", "ме",
      "ба", "бе", "па", "пе", "ше", "қана", "ақ", "ау", "ей", "әр", "барлық", "бәрі", "кім",
      "не", "қандай", "қайда", "қашан", "неге", "қалай", "мұнда", "онда", "сонда", "бір", "екі",
      "оның", "олардың", "біздің", "сіздің", "менің", "өз", "өзі", "өзінің", "тағы", "енді",
      "әлі", "сондай", "мұндай", "қазір", "ретінде", "соң", "кезде", "кезінде", "ал", "ие",
      "емес", "дегенмен", "себебі", "сондықтан", "егер", "онымен", "оған", "оны", "одан",
      // Interrogatives and their forms, and "дегеніміз" of "X дегеніміз не?"
      // ("what is X?").
      "кімнің", "кімге", "кімді", "кімнен", "кіммен", "кімдер", "нені", "неден", "немен",
      "ненің", "неше", "нешінші", "қай", "қайсы", "қайсысы", "қанша", "қалайша", "қандай",
      "дегеніміз"};
  return s;
}

}  // namespace

bool is_stopword(Lang lang, std::string_view word) {
  switch (lang) {
    case Lang::ru: return russian().count(word) != 0;
    case Lang::en: return english().count(word) != 0;
    case Lang::kk: return kazakh().count(word) != 0;
    case Lang::unknown: return is_stopword_any(word);
  }
  return false;
}

bool is_stopword_any(std::string_view word) {
  return russian().count(word) != 0 || english().count(word) != 0 || kazakh().count(word) != 0;
}

}  // namespace letopis::analysis
