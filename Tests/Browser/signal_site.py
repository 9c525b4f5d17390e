#!/usr/bin/python3
"""The Signal site (examples/signal-site) in headless Chromium against a running Masthead
serving the demo publication and the site (`masthead serve --demo --site …`).

Run by SignalSiteBrowserTests (`swift test`); by hand:
    /usr/bin/python3 Tests/Browser/signal_site.py --base http://127.0.0.1:8080 --token mh_… --screenshots /tmp/shots

Drives Debian's chromium through chromium-driver with Selenium (python3-selenium); nothing is
downloaded. Every check prints one line; the exit status is the number of failed checks
(capped at 100), so the Swift test fails with what failed.
"""
import argparse
import json
import os
import re
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

failures = []


def check(condition, what, detail=""):
    print(("ok   " if condition else "FAIL ") + what + ("" if condition else f": {detail}"), flush=True)
    if not condition:
        failures.append(what)
    return condition


class API:
    """The same server, read directly: what the pages should show."""

    def __init__(self, base, token):
        self.base, self.token = base, token

    def request(self, method, path, body=None, headers=None):
        request = urllib.request.Request(self.base + path, method=method, data=body, headers=headers or {})
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read()
            return json.loads(text) if text else None

    def get(self, path):
        return self.request("GET", path)

    def all_articles(self, query=""):
        articles, cursor = [], None
        while True:
            path = f"/v1/articles?limit=50{query}" + (f"&cursor={cursor}" if cursor else "")
            page = self.get(path)
            articles += page["data"]
            cursor = page["meta"]["pagination"].get("next_cursor")
            if not cursor:
                return articles


class Site:
    def __init__(self, base, screenshots):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-extensions", "--no-first-run", "--window-size=1280,900"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(20)
        self.base, self.screenshots = base, screenshots
        self.width(1280)

    def width(self, pixels):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": pixels, "height": 900, "deviceScaleFactor": 1, "mobile": pixels < 600})

    def open(self, path):
        """Loads `path` and waits until its script says it is done (body[data-ready])."""
        self.driver.get(self.base + "/" + path)
        try:
            WebDriverWait(self.driver, 15).until(
                lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
        except TimeoutException:
            check(False, f"{path} finished loading", "body[data-ready] never set")

    def text(self, selector):
        return [e.text.strip() for e in self.driver.find_elements(By.CSS_SELECTOR, selector)]

    def console_errors(self, allowed=()):
        entries = self.driver.get_log("browser")
        return [e["message"] for e in entries
                if e["level"] == "SEVERE" and not any(a in e["message"] for a in allowed)]

    def layout_shift(self):
        """Cumulative layout shift since the page started loading (Chrome's own measure)."""
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            let total = 0;
            new PerformanceObserver((list) => {
              for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
            }).observe({ type: "layout-shift", buffered: true });
            setTimeout(() => done(total), 200);
        """)

    def audit(self):
        """Landmarks, one h1, headings in order, alt text, nothing wider than the viewport."""
        return self.driver.execute_script("""
            const problems = [];
            for (const landmark of ["header", "main", "footer", "nav"])
              if (!document.querySelector(landmark)) problems.push(`no <${landmark}>`);
            const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
              .filter((h) => h.getClientRects().length > 0);
            if (headings.filter((h) => h.tagName === "H1").length !== 1) problems.push("not exactly one h1");
            let level = 0;
            for (const h of headings) {
              const next = Number(h.tagName[1]);
              if (next > level + 1) problems.push(`${h.tagName} "${h.textContent.trim()}" after h${level}`);
              level = next;
            }
            for (const img of document.images) if (!img.hasAttribute("alt")) problems.push(`img without alt: ${img.src}`);
            for (const a of document.querySelectorAll("a")) if (!a.textContent.trim()) problems.push(`empty link ${a.href}`);
            if (document.documentElement.scrollWidth > window.innerWidth + 1)
              problems.push(`page is ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px viewport`);
            return problems;
        """)

    def loaded_images(self, *selectors):
        """Each selector's first image once decoded: its source, natural and shown widths, alt;
        None when there is none or it does not load."""
        return self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            Promise.all(arguments[0].map((selector) => {
              const img = document.querySelector(selector);
              if (!img) return null;
              img.loading = "eager";
              return img.decode().then(() => ({ src: img.currentSrc, natural: img.naturalWidth,
                shown: Math.round(img.getBoundingClientRect().width), alt: img.alt }), () => null);
            })).then(done);
        """, list(selectors))

    def screenshot(self, name):
        if not self.screenshots:
            return
        height = self.driver.execute_script("return Math.min(document.documentElement.scrollHeight, 6000)")
        width = self.driver.execute_script("return window.innerWidth")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        path = os.path.join(self.screenshots, f"{name}-{width}.png")
        self.driver.save_screenshot(path)
        print(f"     screenshot {path}")
        self.width(width)


def served_width(image):
    """The width of the variant an image loaded, from its /media/ URL (`w640`; `full` is the
    original's, 1200 for the demo's feature images); 0 for anything else."""
    found = re.search(r"/media/[0-9a-f]{64}/(w(\d+)|full)[-/]", image["src"]) if image else None
    if not found:
        return 0
    return int(found.group(2)) if found.group(2) else 1200


def page_checks(site, name, allowed_errors=(), data_arrives=True):
    """Structure, layout shift (Google's "good" is under 0.1; a not-found page has no data to
    make room for, so it is not measured) and the console."""
    check(site.audit() == [], f"{name}: accessible structure", site.audit())
    if data_arrives:
        shift = site.layout_shift()
        check(shift < 0.1, f"{name}: no layout shift when data arrives (CLS {shift:.3f})", f"CLS {shift:.3f} ≥ 0.1")
    errors = site.console_errors(allowed_errors)
    check(errors == [], f"{name}: no console errors", errors)


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--base", required=True)
    arguments.add_argument("--token", required=True)
    arguments.add_argument("--screenshots")
    options = arguments.parse_args()
    if options.screenshots:
        os.makedirs(options.screenshots, exist_ok=True)
    api = API(options.base, options.token)
    site = Site(options.base, options.screenshots)
    try:
        run(site, api)
    finally:
        site.driver.quit()
    print(f"{len(failures)} failed" if failures else "all passed")
    sys.exit(min(len(failures), 100))


def run(site, api):
    catalog = api.get("/v1/catalog")["data"]
    published = api.all_articles()
    drafts = api.all_articles("&status=draft")

    # Home: the catalog in the API's order.
    for width in (1280, 375):
        site.width(width)
        site.open("index.html")
        page_checks(site, f"home at {width}px")
        site.screenshot("home")
    site.width(1280)
    site.open("index.html")
    names = site.text(".platform h3")
    check(names == ["ARION", "SPARK", "OLIVER", "STELLA", "FORGE", "ARGUS"], "home: six platforms in order", names)
    check(site.text(".platform .focus") == [p["focus"] for p in catalog["platforms"]], "home: each platform's focus line")
    check(site.text(".platform .tagline") == [p["tagline"] for p in catalog["platforms"]], "home: each platform's tagline")
    services = site.text(".service h3")
    check(services == ["Build Your Brand", "Build Your Foundation", "Build Your Clarity", "Build Your Engine"],
          "home: four services in order", services)
    check(site.text(".service .subtitle") == [s["subtitle"] for s in catalog["services"]], "home: each service's subtitle")
    check(site.text("#ecosystem") == ["One login. One data model. Six platforms. Zero app-switching."],
          "home: the ecosystem line", site.text("#ecosystem"))
    check(site.text("#latest .card-title") == [a["title"] for a in published[:3]], "home: the three latest posts")

    # Keyboard: the first Tab lands on the skip link, and it shows.
    body = site.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    focused = site.driver.execute_script(
        "const e = document.activeElement; const r = e.getBoundingClientRect();"
        "return [e.textContent.trim(), r.left >= 0 && r.width > 0, getComputedStyle(e).outlineStyle];")
    check(focused[0] == "Skip to content" and focused[1], "keyboard: Tab reaches a visible skip link", focused)
    check(focused[2] != "none", "keyboard: focus is visibly outlined", focused)

    # The blog lists every published article, page after page with the cursor; no draft.
    site.open("blog.html")
    page_checks(site, "blog")
    titles = site.text("#posts .card-title")
    pages = 1
    while True:
        older = site.driver.find_elements(By.CSS_SELECTOR, "#pager a[rel=next]")
        if not older or pages > 20:
            break
        older[0].click()
        WebDriverWait(site.driver, 15).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
        titles += site.text("#posts .card-title")
        pages += 1
    first_card = site.loaded_images("#posts .card-image")[0]
    check(first_card and served_width(first_card) == 320,
          "blog: a card's feature image loads, 320 px for its 128", first_card)
    check(titles == [a["title"] for a in published], f"blog: every published article in order over {pages} pages",
          f"{len(titles)} shown, {len(published)} published")
    draft_titles = {a["title"] for a in drafts}
    check(drafts != [] and not draft_titles & set(titles), "blog: drafts never listed", draft_titles & set(titles))

    # The tag filter.
    site.open("blog.html")
    site.driver.find_element(By.LINK_TEXT, "Go").click()
    WebDriverWait(site.driver, 15).until(lambda d: "tag=go" in d.current_url and
                                         d.execute_script("return document.body.dataset.ready === 'true'"))
    go = [a["title"] for a in api.all_articles("&tag=go")][:10]
    check(site.text("#posts .card-title") == go, "blog: the Go tag filter lists Go's articles")

    # Search from the header box, with the matched word highlighted.
    search = site.driver.find_element(By.ID, "q")
    search.send_keys("observability", Keys.ENTER)
    WebDriverWait(site.driver, 15).until(lambda d: "q=observability" in d.current_url and
                                         d.execute_script("return document.body.dataset.ready === 'true'"))
    hits = site.text("#posts .card-title")
    expected = [hit["title"] for hit in api.get("/v1/search?q=observability&type=article&limit=10")["data"]]
    check(hits == expected and len(hits) > 0, "search: finds observability", hits)
    marks = [m.lower() for m in site.text("#posts mark")]
    check(marks and all("observability" in m for m in marks), "search: matches highlighted", marks)
    page_checks(site, "search")

    # A search the API refuses shows its problem document's detail.
    site.open("blog.html?q=o*")
    notice = " ".join(site.text(".notice"))
    check("prefix" in notice.lower(), "search: a refused query says why", notice)
    site.console_errors()

    # The Go article.
    article = api.get("/v1/articles/go-in-production")["data"]
    views_before = article["views"]
    for width in (1280, 375):
        site.width(width)
        site.open("article.html?slug=go-in-production")
        page_checks(site, f"article at {width}px")
        site.screenshot("article")
    site.width(1280)
    check(site.text("h1") == ["Go in Production: What They Don't Tell You in the Getting Started Guide"],
          "article: the page's full title", site.text("h1"))
    crumbs = site.text(".breadcrumb li")
    check(crumbs == ["Home", "Signal", article["title"]], "article: breadcrumb Home › Signal › title", crumbs)
    byline = " ".join(site.text("#byline"))
    check("Alex Kim" in byline and "min read" in byline and "view" in byline, "article: author, reading time, views", byline)
    check(site.text("#article-tags a") == ["API", "Go", "Observability"], "article: tags API, Go, Observability",
          site.text("#article-tags a"))
    headings = site.text("#body h2")
    check(headings == ["Goroutine Leaks Are Silent and Deadly", "The interface{} Trap",
                       "Error Wrapping and the errors.Is Pattern"], "article: the rendered body's sections", headings)
    card = " ".join(site.text("#author-card"))
    check("Software architect specializing in distributed systems and microservices." in card,
          "article: the author's card", card)
    # The pictures: the feature image and the author's photo load from /media/, each at the
    # served width the browser picked for the space it has (never smaller than that space).
    feature, avatar = site.loaded_images("#body img.feature", "#author-card img.avatar")
    check(feature and served_width(feature) >= feature["shown"] > 300,
          "article: the feature image loads at a served width at least as wide as it is shown", feature)
    check(avatar and served_width(avatar) == 320 and avatar["alt"] == "Alex Kim",
          "article: the author's photo loads, 320 px for its 72", avatar)
    related = site.text("#related .card-title")
    expected = [a["title"] for a in api.get("/v1/articles/go-in-production/related?limit=3")["data"]]
    check(related == expected and related, "article: related posts", related)
    reasons = site.text("#related .reason")
    check(all(r.startswith("Also about") or r == "by the same author" for r in reasons) and reasons,
          "article: each related post says why", reasons)

    # A view counted once for the visit: two loads in the tab (above) and one more now.
    site.open("article.html?slug=go-in-production")
    time.sleep(2.5)  # the server writes counted views once a second
    views_after = api.get("/v1/articles/go-in-production")["data"]["views"]
    check(views_after == views_before + 1, "article: one view counted per visit",
          f"{views_before} before, {views_after} after")

    # A front end on another origin counts views too: the page at 127.0.0.1 calls the API
    # as localhost, a different origin, and must be able to read the answer (CORS).
    other = site.base.replace("127.0.0.1", "localhost")
    answer = site.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0] + "/v1/articles/go-in-production/views", { method: "POST" })
          .then((r) => r.json()).then((body) => done(body.data.views), (e) => done(String(e)));
    """, other)
    check(isinstance(answer, int) and answer >= 1, "article: a page on another origin counts a view and reads the answer",
          answer)

    # A missing slug: the not-found page (the API's 404 shows in the console as a failed load).
    site.open("article.html?slug=no-such-post")
    check(site.text("h1") == ["We can’t find that post"], "article: missing slug shows not found", site.text("h1"))
    check(site.driver.title == "Post not found", "article: not-found title", site.driver.title)
    page_checks(site, "not found", allowed_errors=("no-such-post",), data_arrives=False)

    # A draft is not on the site, even by its address.
    draft = drafts[0]["slug"]
    site.open(f"article.html?slug={draft}")
    check(site.text("h1") == ["We can’t find that post"], "article: a draft is not found by its address")
    site.console_errors()

    # A renamed article: its old address follows the 301 and shows the new one.
    api.request("PATCH", "/v1/articles/structured-logging-in-go",
                body=json.dumps({"slug": "structured-logging-with-slog"}).encode(),
                headers={"Content-Type": "application/merge-patch+json"})
    site.open("article.html?slug=structured-logging-in-go")
    check(site.text("h1") == ["Structured Logging with slog"], "article: an old slug follows the 301", site.text("h1"))
    check(site.driver.current_url.endswith("article.html?slug=structured-logging-with-slog"),
          "article: the address bar shows the new slug", site.driver.current_url)
    page_checks(site, "renamed article")

    # Author and tag pages.
    site.open("author.html?slug=alex-kim")
    page_checks(site, "author")
    check(site.text("h1") == ["Alex Kim"], "author: name", site.text("h1"))
    photo = site.loaded_images("#about img.avatar")[0]
    check(photo and served_width(photo) == 320, "author: the photo loads", photo)
    mine = [a["title"] for a in api.all_articles("&author=alex-kim")][:10]
    check(site.text("#posts .card-title") == mine, "author: their articles")
    site.open("tag.html?slug=observability")
    page_checks(site, "tag")
    check(site.text("h1") == ["Posts tagged Observability"], "tag: name", site.text("h1"))
    tagged = [a["title"] for a in api.all_articles("&tag=observability")][:10]
    check(site.text("#posts .card-title") == tagged, "tag: its articles")

    # The server's 404 page for an address that is no page.
    site.driver.get(site.base + "/no-such-page")
    check(site.text("h1") == ["We can’t find that page"], "a page that does not exist: the site's 404 page")
    site.console_errors()

    # Every page at the narrowest phone width: nothing wider than the screen.
    site.width(360)
    for path in ("index.html", "blog.html", "blog.html?q=observability", "article.html?slug=go-in-production",
                 "author.html?slug=alex-kim", "tag.html?slug=go"):
        site.open(path)
        check(site.audit() == [], f"{path} at 360px: fits and keeps its structure", site.audit())
    site.console_errors()
    site.width(1280)

    # The API unreachable: the page says so in words.
    site.driver.execute_cdp_cmd("Network.enable", {})
    site.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/v1/*"]})
    site.open("index.html")
    notice = " ".join(site.text(".notice"))
    check("not answering" in notice, "home: an unreachable API gets a readable message", notice)
    site.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


if __name__ == "__main__":
    main()
