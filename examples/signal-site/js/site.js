// What every page shares: the site's settings, dates in its locale and time zone, article
// cards, and how a failure is shown.
import { get } from "./api.js";
import { h, fill, page } from "./dom.js";
import { API_BASE } from "./config.js";

let settings;

/** The site's settings (title, tagline, locale, time zone), fetched once per page. */
export function site() {
  settings ??= get("/v1/site").then(
    ({ data }) => data,
    // Pages still work without them: dates fall back to the browser's locale.
    () => ({ title: "Signal", description: "", tagline: "", locale: undefined, timezone: undefined }),
  );
  return settings;
}

/** Shows the site's title in the header, and `title` in the tab. */
export async function frame(title) {
  const { title: siteTitle } = await site();
  for (const brand of document.querySelectorAll("[data-site-title]")) brand.textContent = siteTitle;
  document.title = title ? `${title} · ${siteTitle}` : siteTitle;
}

export function formatDate(iso, { locale, timezone }) {
  const date = new Date(iso);
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: timezone }).format(date);
  } catch {
    return date.toDateString();
  }
}

/** A `<time>` for an instant the API gives. */
export function time(iso, settings) {
  return h("time", { datetime: iso }, formatDate(iso, settings));
}

export function tagLinks(tags) {
  return h(
    "ul",
    { class: "tags", "aria-label": "Tags" },
    tags.map((tag) => h("li", {}, h("a", { href: page("tag.html", { slug: tag.slug }) }, tag.name))),
  );
}

/**
 * An image as the API describes it (`feature_image`, `avatar`): its size reserved by its
 * width and height, the browser picking from `srcset` by `sizes`, its average colour shown
 * while it loads.
 */
export function picture(image, { sizes, className, alt = image.alt ?? "" }) {
  // The API's image URLs are relative to the API, which may be on another origin.
  const srcset = image.srcset.split(", ").map((candidate) => API_BASE + candidate).join(", ");
  return h("img", {
    class: className, src: API_BASE + image.url, srcset, sizes, width: image.width, height: image.height,
    alt, loading: "lazy", decoding: "async", style: image.placeholder ? `background-color: ${image.placeholder}` : null,
  });
}

/** One article in a list: its feature image, title, author, date, reading time, excerpt, tags. */
export function articleCard(article, settings, headingLevel = "h3") {
  return h(
    "li",
    { class: article.feature_image ? "card pictured" : "card" },
    // Decorative beside the title it illustrates: the title says what the link is.
    article.feature_image ? picture(article.feature_image, { sizes: "8rem", className: "card-image", alt: "" }) : null,
    h("article", {},
      h(headingLevel, { class: "card-title" }, h("a", { href: page("article.html", { slug: article.slug }) }, article.title)),
      h("p", { class: "byline" },
        h("a", { href: page("author.html", { slug: article.author.slug }) }, article.author.name),
        " · ", time(article.published_at, settings),
        " · ", `${article.reading_time_minutes} min read`),
      article.excerpt ? h("p", { class: "excerpt" }, article.excerpt) : null,
      article.tags.length ? tagLinks(article.tags) : null,
    ),
  );
}

/** Replaces `container` with a readable account of `error` (an `APIError`). */
export function showError(container, error, what = "this") {
  const message =
    error.status === 0
      ? `We could not load ${what}: the content service is not answering. Try again in a moment.`
      : `We could not load ${what}. ${error.title}${error.detail ? `: ${error.detail}` : ""}.`;
  fill(container, h("div", { class: "notice", role: "alert" }, h("p", {}, message),
    h("p", {}, h("a", { href: location.href }, "Try again"))));
}
