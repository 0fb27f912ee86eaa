// The search page: queries the Pagefind index that the build writes to /pagefind/.
// Loaded only by the search page, as a module (deferred: never blocks rendering).
const form = document.querySelector(".search-form");
const input = document.getElementById("search-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
// Messages in the page's language, from the template (data-* on the status line).
const say = (name, values = {}) =>
  status.dataset[name].replace(/\{(\w+)\}/g, (_, key) => values[key]);
let pagefind = null;
let latest = 0;

async function load() {
  if (!pagefind) {
    pagefind = await import("/pagefind/pagefind.js");
    await pagefind.init();
  }
  return pagefind;
}

function show(results, query) {
  list.replaceChildren();
  for (const result of results) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    const excerpt = document.createElement("p");
    // Pagefind builds excerpts from our own escaped page text and wraps matches in <mark>.
    excerpt.innerHTML = result.excerpt;
    item.append(link, excerpt);
    list.append(item);
  }
  const count = results.length;
  status.textContent = say(count === 0 ? "none" : count === 1 ? "one" : "many", { count, query });
}

async function run(query) {
  const ticket = ++latest;
  query = query.trim();
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = say("searching");
  try {
    const index = await load();
    const found = await index.search(query);
    const results = await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
    if (ticket === latest) show(results, query);
  } catch (error) {
    status.textContent = say("failed");
    throw error;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set("q", input.value);
  history.replaceState(null, "", url);
  run(input.value);
});
input.addEventListener("input", () => run(input.value));

const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial);
}
