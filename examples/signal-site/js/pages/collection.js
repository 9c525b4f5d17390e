// The author page and the tag page: who or what it is, then their posts, newest first,
// ten at a time with the API's cursor.
import { get } from "../api.js";
import { h, fill, page, param } from "../dom.js";
import { frame, site, articleCard, showError, picture } from "../site.js";

const PAGE_SIZE = 10;
const main = document.getElementById("main");
const heading = document.getElementById("title");
const about = document.getElementById("about");
const list = document.getElementById("posts");
const pager = document.getElementById("pager");
const kind = document.body.dataset.kind; // "author" or "tag"

function notFound(what) {
  document.title = `${what} not found`;
  heading.textContent = `We can’t find that ${what.toLowerCase()}`;
  fill(about, h("p", {}, "The link may be mistyped, or it may have been removed."));
  fill(list, h("li", { class: "empty" }, h("a", { href: "blog.html" }, "See every post on Signal")));
  fill(pager);
  main.dataset.status = "404";
}

function describe(resource) {
  if (kind === "author") {
    return [
      resource.avatar ? picture(resource.avatar, { sizes: "4.5rem", className: "avatar" }) : null,
      resource.bio ? h("p", {}, resource.bio) : null,
      h("p", { class: "byline" },
        resource.location ? `${resource.location} · ` : null,
        `${resource.article_count} ${resource.article_count === 1 ? "post" : "posts"}`,
        resource.website_url ? [" · ", h("a", { href: resource.website_url, rel: "me noopener" }, "Website")] : null),
    ];
  }
  return [
    resource.description ? h("p", {}, resource.description) : null,
    h("p", { class: "byline" }, `${resource.article_count} ${resource.article_count === 1 ? "post" : "posts"}`),
  ];
}

async function show() {
  const slug = param("slug");
  const what = kind === "author" ? "Author" : "Tag";
  if (!slug) return notFound(what);
  const cursor = param("cursor");
  const settings = await site();
  let resource;
  try {
    ({ data: resource } = await get(`/v1/${kind}s/${encodeURIComponent(slug)}`));
  } catch (error) {
    if (error.isNotFound) return notFound(what);
    return showError(list, error, `this ${what.toLowerCase()}`);
  }
  heading.textContent = kind === "author" ? resource.name : `Posts tagged ${resource.name}`;
  await frame(heading.textContent);
  fill(about, describe(resource));
  try {
    const { data, meta } = await get("/v1/articles", { [kind]: resource.slug, limit: PAGE_SIZE, cursor });
    fill(list, data.length ? data.map((article) => articleCard(article, settings)) : h("li", { class: "empty" }, "No posts yet."));
    const next = meta.pagination?.next_cursor;
    fill(pager,
      cursor ? h("a", { href: page(`${kind}.html`, { slug }) }, "← Newest posts") : null,
      next ? h("a", { href: page(`${kind}.html`, { slug, cursor: next }), rel: "next" }, "Older posts →") : null);
  } catch (error) {
    showError(list, error, "the posts");
  }
}

await show();
document.body.dataset.ready = "true";
