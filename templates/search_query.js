// What a query asks for and which pages have it, with no page around it: the search page includes
// this before search.js, and tests/test_search_truth.py runs it in Node against the built index.
// Chinese is indexed character by character (see etown/producers/search.py): each Chinese word of
// a query is asked for as a phrase of its characters, and the spaces the index put around them are
// removed from what is shown.
const IDEOGRAPHS = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
const AROUND = new RegExp(`(?<=[${IDEOGRAPHS}])(?=\\S)|(?<=\\S)(?=[${IDEOGRAPHS}])`, "gu");
const CHINESE = new RegExp(`[${IDEOGRAPHS}]`, "u");
// a space the index added: next to a Chinese character, and not next to a Latin letter, the
// separator between table cells (·) or, after it, a full stop that ends a sentence
const ADDED = new RegExp(
  `(?<=[${IDEOGRAPHS}](?:</?mark>)*) +(?=(?:</?mark>)*[^\\sA-Za-z·<])|(?<=[^\\sA-Za-z>·.](?:</?mark>)*) +(?=(?:</?mark>)*[${IDEOGRAPHS}])`,
  "gu",
);
const QUOTED = /^\s*["“](.+)["”]\s*$/u;
const WORDLIKE = /[\p{L}\p{N}]/u;

// The terms of a query: each word (split at spaces) apart, a Chinese one as the phrase of its
// characters; a query in quotes is one phrase. Punctuation alone is no term.
function terms(query) {
  const quoted = QUOTED.exec(query);
  const words = quoted ? [quoted[1]] : query.split(/\s+/u);
  return words
    .filter((word) => WORDLIKE.test(word))
    .map((word) => (quoted || CHINESE.test(word) ? `"${word.replace(AROUND, " ").trim()}"` : word));
}

// The results of a query: only pages that have every term. Pagefind on its own would list pages
// that lack a word it finds nowhere (Xiaomi zzzz), and pages that have a Chinese word's characters
// only here and there ("total population" in Chinese, written on no page, found 4 of the 8): such
// a page is dropped, not shown as a weaker result, since it has nothing of what was asked.
// Pagefind ranks the pages a phrase finds all alike, so results are ranked as the same words
// searched loose rank them (page weights and headings count there); the excerpts mark the first
// term, or every word of a query without phrases.
async function find(pagefind, query) {
  const asked = terms(query);
  if (!asked.length) return [];
  const loose = asked.map((term) => term.replaceAll('"', "")).join(" ");
  const [ranked, ...each] = await Promise.all([loose, ...asked].map((term) => pagefind.search(term)));
  const rank = new Map(ranked.results.map((result, index) => [result.id, index]));
  const phrases = asked.some((term) => term.startsWith('"'));
  const shown = phrases ? each[0].results : ranked.results;
  return shown
    .filter((result) => each.every((search) => search.results.some((other) => other.id === result.id)))
    .sort((a, b) => (rank.get(a.id) ?? rank.size) - (rank.get(b.id) ?? rank.size));
}

// Where a result links: the element with an id nearest before the first word found (a timeline
// entry, a table row, a paragraph of the source), on the page at data.url, from the site's root.
function place(data, siteRoot) {
  const first = Math.min(...data.locations);
  let best = "";
  for (const anchor of data.anchors || []) {
    if (anchor.location <= first && anchor.id !== "main") best = anchor.id;
  }
  return new URL(data.url + (best ? "#" + best : ""), siteRoot).href;
}

// An excerpt or a title as the page writes it: without the spaces the index added, and with the
// characters of one Chinese word in one <mark>, not one each (Pagefind marks a word with the space
// after it).
function unspaced(html) {
  return html.replace(/( +)<\/mark>/gu, "</mark>$1").replace(ADDED, "").replaceAll("</mark><mark>", "");
}
