// Building the page from data: every string from the API goes in as text, never as markup,
// except the two fields the API renders and cleans itself (an article's body HTML, and
// search snippets, which are rebuilt below from their text and <mark> elements only).

/**
 * An element: `h("a", {href: "/"}, "Home")`. Attributes with null/false values are left
 * out; children are nodes, strings (as text) or arrays of them.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `container` holds and marks it loaded. */
export function fill(container, ...children) {
  container.replaceChildren();
  append(container, children);
  container.removeAttribute("aria-busy");
  container.classList.remove("loading");
}

/** A search snippet: the API escapes the text and marks matches with <mark>. */
export function snippet(markup) {
  const parsed = new DOMParser().parseFromString(`<p>${markup}</p>`, "text/html").body;
  const paragraph = h("p", { class: "snippet" });
  for (const node of parsed.querySelectorAll("p")[0]?.childNodes ?? []) {
    if (node.nodeType === Node.TEXT_NODE) paragraph.append(node.textContent);
    else if (node.nodeName === "MARK") paragraph.append(h("mark", {}, node.textContent));
    else paragraph.append(node.textContent ?? "");
  }
  return paragraph;
}

/** The query parameter `name` of this page's address, or null. */
export function param(name) {
  const value = new URLSearchParams(location.search).get(name);
  return value === null || value.trim() === "" ? null : value.trim();
}

/** A page address on this site: `page("article.html", {slug})`. */
export function page(file, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${file}?${text}` : file;
}
