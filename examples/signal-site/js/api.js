// The only way these pages reach Masthead: GET and POST over its public HTTP API.
import { API_BASE } from "./config.js";

/** A request that did not give us data: the API's problem document, or no answer at all. */
export class APIError extends Error {
  /**
   * @param {number} status HTTP status; 0 when the server could not be reached.
   * @param {string} title A short sentence for people.
   * @param {string} [detail] What the server said, when it said something.
   */
  constructor(status, title, detail) {
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail ?? "";
  }

  get isNotFound() {
    return this.status === 404;
  }
}

/** An absolute URL of the API for `path` with `params` (null and "" values left out). */
export function apiURL(path, params = {}) {
  const url = new URL(API_BASE + path, location.href);
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, String(value));
  }
  return url;
}

async function send(method, path, params) {
  let response;
  try {
    // Redirects are followed: a renamed article's old slug answers 301 to its new one.
    response = await fetch(apiURL(path, params), {
      method,
      headers: { Accept: "application/json" },
      redirect: "follow",
    });
  } catch {
    throw new APIError(0, "The content service is not answering", "check your connection and try again in a moment");
  }
  const type = response.headers.get("Content-Type") ?? "";
  if (!response.ok) {
    // RFC 9457: title and detail are written for people.
    if (type.includes("application/problem+json")) {
      const problem = await response.json().catch(() => ({}));
      throw new APIError(response.status, problem.title ?? response.statusText, problem.detail);
    }
    throw new APIError(response.status, `The content service answered ${response.status}`);
  }
  if (!type.includes("json")) {
    throw new APIError(response.status, "The content service sent something other than JSON", `is API_BASE in js/config.js right?`);
  }
  const body = await response.json();
  return { data: body.data, meta: body.meta ?? {}, url: new URL(response.url), redirected: response.redirected };
}

/** GET `path`: `{data, meta, url, redirected}`, or throws `APIError`. */
export function get(path, params) {
  return send("GET", path, params);
}

/** POST `path` without a body (counting a view). */
export function post(path) {
  return send("POST", path, {});
}
