// The blog index: newest first, ten at a time with the API's cursor (stable while new
// posts are published), filtered by a tag, or the results of a search with the matching
// words highlighted.
import { get } from "../api.js";
import { h, fill, page, param, snippet } from "../dom.js";
import { frame, site, articleCard, showError } from "../site.js";

const PAGE_SIZE = 10;
const list = document.getElementById("posts");
const heading = document.getElementById("posts-heading");
const pager = document.getElementById("pager");
const tags = document.getElementById("tag-filter");
const searchBox = document.getElementById("q");

const tag = param("tag");
const query = param("q");
const cursor = param("cursor");
const resultsPage = Math.max(1, Number.parseInt(param("page") ?? "1", 10) || 1);

async function tagFilter() {
  try {
    const { data } = await get("/v1/tags", { sort: "-article_count", limit: 100 });
    const chip = (label, slug) =>
      h("li", {}, h("a", {
        href: page("blog.html", { tag: slug }),
        "aria-current": (slug ?? null) === tag && !query ? "page" : null,
      }, label));
    fill(tags, chip("All posts", null), data.filter((t) => t.article_count > 0).map((t) => chip(t.name, t.slug)));
  } catch {
    fill(tags);
  }
}

async function latest(settings) {
  const { data, meta } = await get("/v1/articles", { limit: PAGE_SIZE, tag, cursor });
  const tagName = tag ? data[0]?.tags.find((t) => t.slug === tag)?.name ?? tag : null;
  heading.textContent = tagName ? `Posts tagged ${tagName}` : "Latest posts";
  await frame(tagName ? `Posts tagged ${tagName}` : "Blog");
  if (data.length === 0) {
    fill(list, h("li", { class: "empty" }, tag ? "No posts with this tag yet." : "Nothing published yet."));
  } else {
    fill(list, data.map((article) => articleCard(article, settings)));
  }
  const next = meta.pagination?.next_cursor;
  fill(pager,
    cursor ? h("a", { href: page("blog.html", { tag }) }, "← Newest posts") : null,
    next ? h("a", { href: page("blog.html", { tag, cursor: next }), rel: "next" }, "Older posts →") : null);
}

async function search() {
  searchBox.value = query;
  const { data, meta } = await get("/v1/search", { q: query, type: "article", limit: PAGE_SIZE, page: resultsPage });
  const total = meta.pagination?.total ?? data.length;
  heading.textContent = total === 1 ? `1 post matches “${query}”` : `${total} posts match “${query}”`;
  await frame(`Search: ${query}`);
  if (data.length === 0) {
    fill(list, h("li", { class: "empty" }, "No posts match. Try fewer or different words."));
  } else {
    fill(list, data.map((hit) =>
      h("li", { class: "card" }, h("article", {},
        h("h3", { class: "card-title" }, h("a", { href: page("article.html", { slug: hit.slug }) }, hit.title)),
        snippet(hit.snippet)))));
  }
  const pagination = meta.pagination ?? {};
  fill(pager,
    pagination.prev ? h("a", { href: page("blog.html", { q: query, page: pagination.prev }), rel: "prev" }, "← Previous results") : null,
    pagination.next ? h("a", { href: page("blog.html", { q: query, page: pagination.next }), rel: "next" }, "More results →") : null);
}

const settings = await site();
tagFilter();
try {
  await (query ? search() : latest(settings));
} catch (error) {
  // A search the API refuses (a one-letter prefix, too many words) says why in its detail.
  heading.textContent = query ? `Search: ${query}` : "Latest posts";
  showError(list, error, query ? "these search results" : "the posts");
  fill(pager);
}
document.body.dataset.ready = "true";
