// The search page's queries (templates/search_query.js) run in Node against a built index, as the
// page runs them in a browser: for tests/test_search_truth.py.
// Usage: node search.mjs SITE HTML_LANG SEARCH_QUERY_JS < queries.json
// Prints, for each query, its results in order: url, place, title, excerpt (as shown) and content.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

const [site, language, queryScript] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(0, "utf-8"));

// Pagefind reads the page's <html lang> to choose its index, and its files with fetch.
globalThis.document = { currentScript: null, querySelector: () => ({ getAttribute: () => language }) };
globalThis.fetch = async (url) => new Response(await readFile(site + String(url).replace(/\?.*$/, "")));

const pagefind = await import(pathToFileURL(`${site}/pagefind/pagefind.js`).href);
await pagefind.options({ basePath: "/pagefind/", baseUrl: "/" });
const code = await readFile(queryScript, "utf-8");
const { find, place, unspaced } = await import(
  "data:text/javascript," + encodeURIComponent(`${code}\nexport { find, place, unspaced };`)
);

const siteRoot = new URL("http://site/");
const answers = [];
for (const query of queries) {
  const results = await Promise.all((await find(pagefind, query)).map((result) => result.data()));
  answers.push(results.map((data) => ({
    url: data.url,
    place: place(data, siteRoot).slice(siteRoot.href.length),
    title: unspaced(data.meta.title),
    excerpt: unspaced(data.excerpt),
    content: data.content,
  })));
}
process.stdout.write(JSON.stringify(answers));
