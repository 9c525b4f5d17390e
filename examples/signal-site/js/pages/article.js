// One article: breadcrumb, title, author, date, reading time, views, tags, the rendered
// body, the author's card and related posts. A missing slug shows the not-found page; a
// renamed one is followed (the API answers 301) and the address bar updated.
import { get, post } from "../api.js";
import { h, fill, page, param } from "../dom.js";
import { frame, site, time, tagLinks, showError, picture } from "../site.js";

const main = document.getElementById("main");
const crumb = document.getElementById("crumb");
const title = document.getElementById("title");
const byline = document.getElementById("byline");
const tags = document.getElementById("article-tags");
const body = document.getElementById("body");
const authorCard = document.getElementById("author-card");
const related = document.getElementById("related");

/** The post does not exist (or is not public): said in the places held for it, so nothing moves. */
function notFound() {
  document.title = "Post not found";
  crumb.textContent = "Not found";
  title.textContent = "We can’t find that post";
  fill(byline, "It may have been unpublished, or the link may be mistyped.");
  fill(tags);
  fill(body, h("p", {}, h("a", { href: "blog.html" }, "See every post on Signal")));
  body.classList.add("vacant");
  authorCard.hidden = true;
  related.hidden = true;
  main.dataset.status = "404";
}

/**
 * Counts this visit once: a reload in the same tab does not count again. The count the
 * server answered is kept, since `views` in a read lags by up to a second.
 */
async function countView(article) {
  const key = `masthead:viewed:${article.slug}`;
  const counted = Number(sessionStorage.getItem(key));
  if (counted) return Math.max(counted, article.views);
  try {
    const { data } = await post(`/v1/articles/${encodeURIComponent(article.slug)}/views`);
    sessionStorage.setItem(key, String(data.views));
    return data.views;
  } catch {
    return article.views;
  }
}

function viewsText(views) {
  return views === 1 ? "1 view" : `${views.toLocaleString()} views`;
}

async function authorPanel(slug) {
  try {
    const { data: author } = await get(`/v1/authors/${encodeURIComponent(slug)}`);
    fill(authorCard,
      author.avatar ? picture(author.avatar, { sizes: "4.5rem", className: "avatar" }) : null,
      h("h2", {}, "About the author"),
      h("p", { class: "author-name" }, h("a", { href: page("author.html", { slug: author.slug }) }, author.name)),
      author.bio ? h("p", {}, author.bio) : null);
  } catch {
    fill(authorCard);
  }
}

function reason(article, why) {
  const names = new Map(article.tags.map((tag) => [tag.slug, tag.name]));
  const parts = [];
  if (why.shared_tags.length) parts.push(`Also about ${why.shared_tags.map((slug) => names.get(slug) ?? slug).join(", ")}`);
  if (why.same_author) parts.push("by the same author");
  return parts.join(", ");
}

async function relatedPosts(slug, settings) {
  try {
    const { data } = await get(`/v1/articles/${encodeURIComponent(slug)}/related`, { limit: 3 });
    fill(related,
      h("h2", { id: "related-heading" }, "Related posts"),
      data.length === 0
        ? h("p", {}, "Nothing related yet.")
        : h("ul", { class: "cards" }, data.map((article) =>
            h("li", { class: "card" }, h("article", {},
              h("h3", { class: "card-title" }, h("a", { href: page("article.html", { slug: article.slug }) }, article.title)),
              h("p", { class: "byline" }, article.author.name, " · ", time(article.published_at, settings)),
              h("p", { class: "reason" }, reason(article, article.reason)))))));
  } catch (error) {
    showError(related, error, "related posts");
  }
}

async function show() {
  const slug = param("slug");
  if (!slug) return notFound();
  const settings = await site();
  let result;
  try {
    result = await get(`/v1/articles/${encodeURIComponent(slug)}`);
  } catch (error) {
    if (error.isNotFound) return notFound();
    await frame("Signal");
    crumb.textContent = "Unavailable";
    title.textContent = "This post could not be loaded";
    fill(byline);
    return showError(body, error, "this post");
  }
  const article = result.data;
  if (article.slug !== slug) {
    // Renamed: the old address answered 301; keep the current one in the address bar.
    history.replaceState(null, "", page("article.html", { slug: article.slug }));
  }
  await frame(article.title);
  crumb.textContent = article.title;
  title.textContent = article.title;
  const views = h("span", { class: "views" }, viewsText(article.views));
  fill(byline,
    h("a", { href: page("author.html", { slug: article.author.slug }) }, article.author.name),
    " · ", time(article.published_at, settings),
    " · ", `${article.reading_time_minutes} min read`,
    " · ", views);
  fill(tags, article.tags.length ? tagLinks(article.tags) : null);
  if (article.cover_image_url) {
    body.before(h("img", { class: "cover", src: article.cover_image_url, alt: article.cover_image_alt ?? "", width: 1200, height: 630 }));
  }
  // The API renders the Markdown and removes raw HTML and unsafe links from it.
  body.innerHTML = article.body_html ?? "";
  // In the body's own space, which was held for it: nothing below it moves twice.
  if (article.feature_image) {
    body.prepend(picture(article.feature_image, { sizes: "(min-width: 48rem) 44rem, 100vw", className: "feature" }));
  }
  body.removeAttribute("aria-busy");
  body.classList.remove("loading");
  await Promise.all([
    countView(article).then((count) => { views.textContent = viewsText(count); }),
    authorPanel(article.author.slug),
    relatedPosts(article.slug, settings),
  ]);
}

await show();
document.body.dataset.ready = "true";
