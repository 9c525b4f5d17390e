// swift-format-ignore-file
// The demo publication's articles: prose, not code.

import MastheadDomain
import MastheadStorage

extension DemoContent {
    package static let articles: [DemoArticle] = goArticles + brandArticles + dataArticles + operationsArticles + unpublishedArticles

    private static let goArticles: [DemoArticle] = [
        // The publication's own article, as its page (shared/seed/signal-page.txt) has it.
        DemoArticle(
            slug: "go-in-production",
            title: "Go in Production: What They Don't Tell You in the Getting Started Guide",
            author: "alex-kim",
            tags: ["api", "go", "observability"],
            publication: .published(daysAgo: 2),
            featured: true,
            excerpt: "Go’s reputation for simplicity is well-earned. But simple doesn’t mean footgun-free: a handful of Go patterns work fine in development and break predictably in production.",
            body: #"""
            Go’s reputation for simplicity is well-earned. The language surface area is small, the tooling is excellent, and the compile times are fast. But simple doesn’t mean footgun-free, and there are a handful of Go patterns that work fine in development and break predictably in production.

            ## Goroutine Leaks Are Silent and Deadly

            Goroutine leaks — goroutines that never terminate — are the most common production issue we see in Go codebases. They don’t crash your service. They slowly consume memory until something does. The fix is rigorous use of context cancellation and timeout propagation, and the habit of auditing goroutine lifetime for every goroutine you create.

            ## The `interface{}` Trap

            Go’s type system is excellent until you start using empty interfaces to avoid thinking about types. `interface{}` means “I gave up on type safety here,” and it tends to propagate. The 2023 generics release eliminates most of the legitimate use cases for `interface{}`. If you’re writing new Go code, you should almost never need it.

            ## Error Wrapping and the `errors.Is` Pattern

            Go’s error handling gets a lot of criticism that’s often deserved. But the `errors.Is`/`errors.As` pattern from Go 1.13 solves the most painful parts of it. If your codebase is still using string matching on error messages, that’s a refactor worth prioritizing.
            """#
        ),
        DemoArticle(
            slug: "graceful-shutdown-in-go",
            title: "Graceful Shutdown in Go, Step by Step",
            author: "alex-kim",
            tags: ["go", "distributed-systems"],
            publication: .published(daysAgo: 9),
            body: #"""
            ## Why it matters

            Every deploy restarts your service. Without a graceful shutdown, every deploy drops requests.

            ## The sequence

            1. Catch `SIGTERM`.
            2. Stop accepting new connections.
            3. Let in-flight requests finish, up to a deadline.
            4. Flush what is buffered: logs, metrics, queued writes.
            5. Close the database and exit with status zero.

            ```go
            stop := make(chan os.Signal, 1)
            signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
            <-stop
            ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
            defer cancel()
            if err := server.Shutdown(ctx); err != nil {
                log.Printf("shutdown: %v", err)
            }
            ```

            Deploying while deploying is the real test: run a load test, send `SIGTERM`, count the errors.
            The right number is zero.
            """#
        ),
        DemoArticle(
            slug: "context-deadlines-in-go",
            title: "Context Deadlines Across Service Boundaries",
            author: "alex-kim",
            tags: ["go", "api", "distributed-systems"],
            publication: .published(daysAgo: 16),
            body: #"""
            ## One budget per request

            A request that enters your system with a two-second budget should not spend four seconds inside it.
            Pass the deadline along with `context.Context` and let every hop subtract its share.

            | Hop | Typical budget |
            |-----|----------------|
            | Edge proxy | 2000 ms |
            | API service | 1500 ms |
            | Database query | 300 ms |

            ```go
            deadline, ok := ctx.Deadline()
            if ok && time.Until(deadline) < 50*time.Millisecond {
                return ErrNotEnoughTime
            }
            ```

            ## Rules of thumb

            - Never create a fresh `context.Background()` inside a handler.
            - Fail fast when the remaining budget is too small to succeed.
            - Log the remaining budget when a call times out; it tells you which hop ate it.
            """#
        ),
        DemoArticle(
            slug: "structured-logging-in-go",
            title: "Structured Logging with slog",
            author: "alex-kim",
            tags: ["go", "observability"],
            publication: .published(daysAgo: 23),
            body: #"""
            ## Lines you can query

            Go's `log/slog` package gives you key-value logs without a dependency.

            ```go
            logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
            logger.Info("request finished",
                "request_id", id, "route", route, "status", status, "duration_ms", ms)
            ```

            ## What to log

            - one line per request, at the end, with the outcome
            - every unexpected error, once, with the request id
            - never secrets, tokens or full request bodies

            Keep messages constant and put the variable parts in attributes. "request finished" is searchable;
            "request 42 finished in 12ms" is not.
            """#
        ),
        DemoArticle(
            slug: "retries-and-backoff",
            title: "Retries, Backoff and Jitter",
            author: "alex-kim",
            tags: ["distributed-systems", "go"],
            publication: .published(daysAgo: 31),
            body: #"""
            ## Retrying is a load multiplier

            A retry doubles the traffic a struggling service receives. Retry carefully:

            - only idempotent operations, or ones carrying an idempotency key
            - with exponential backoff
            - with jitter, so clients do not retry in lockstep
            - with a budget, so retries cannot exceed a fraction of normal traffic

            ```go
            for attempt := 0; attempt < 4; attempt++ {
                if err = call(ctx); err == nil {
                    return nil
                }
                sleep := time.Duration(rand.Int63n(int64(base << attempt)))
                time.Sleep(sleep)
            }
            ```

            Read the [AWS Architecture Blog on jitter](https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/)
            for the maths behind "full jitter".
            """#
        ),
        DemoArticle(
            slug: "tracing-microservices",
            title: "Tracing a Request Through Twelve Microservices",
            author: "alex-kim",
            tags: ["observability", "distributed-systems", "go"],
            publication: .published(daysAgo: 38),
            body: #"""
            ## The question tracing answers

            Logs tell you what happened in one service. Traces tell you where a slow request spent its time
            across all of them.

            ## Getting started

            1. Propagate the `traceparent` header on every outgoing call.
            2. Create a span per handler and per outgoing call.
            3. Sample: keep every error and a small share of successes.

            ```go
            ctx, span := tracer.Start(ctx, "orders.create")
            defer span.End()
            ```

            Traces are the part of observability that crosses service boundaries, and they are most useful
            next to metrics: a latency histogram shows *that* the p99 moved, and an exemplar trace shows *why*.
            """#
        ),
        DemoArticle(
            slug: "table-driven-tests-in-go",
            title: "Table-Driven Tests That Stay Readable",
            author: "alex-kim",
            tags: ["go"],
            publication: .published(daysAgo: 47),
            body: #"""
            ## The pattern

            ```go
            tests := []struct {
                name string
                in   string
                want string
            }{
                {"lowercase", "Hello", "hello"},
                {"spaces", "a b", "a-b"},
            }
            for _, tt := range tests {
                t.Run(tt.name, func(t *testing.T) {
                    if got := Slug(tt.in); got != tt.want {
                        t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
                    }
                })
            }
            ```

            ## Keeping tables honest

            - name every case after the behaviour it pins
            - keep each row on one line when you can
            - split the table when cases need different setup
            """#
        ),
        DemoArticle(
            slug: "go-interfaces-at-the-edges",
            title: "Small Interfaces, Defined Where They Are Used",
            author: "alex-kim",
            tags: ["go", "api"],
            publication: .published(daysAgo: 55),
            body: #"""
            ## Accept interfaces, return structs

            Define an interface in the package that *consumes* it, with only the methods it calls.

            ```go
            type ArticleStore interface {
                Article(ctx context.Context, slug string) (Article, error)
            }
            ```

            ## Why it helps

            - tests can pass a ten-line fake
            - the producer package stays free to grow
            - the dependency graph points one way

            The empty interface is the opposite: it accepts everything and documents nothing.
            """#
        ),
        DemoArticle(
            slug: "idempotent-apis",
            title: "Designing Idempotent APIs",
            author: "alex-kim",
            tags: ["api", "distributed-systems", "security"],
            publication: .published(daysAgo: 62),
            body: #"""
            ## Networks repeat themselves

            A client that times out does not know whether its request succeeded. An idempotent API lets it
            simply try again.

            | Method | Idempotent by definition |
            |--------|--------------------------|
            | GET, PUT, DELETE | yes |
            | POST | no, unless you add a key |
            | PATCH | depends on the patch |

            ## Idempotency keys

            The client sends `Idempotency-Key: 5f1c…`; the server stores the key with the response and replays
            it for repeats. Keys expire after a day or so.

            ## Optimistic concurrency

            `ETag` and `If-Match` stop two editors from overwriting each other: the second write gets
            `412 Precondition Failed` instead of silently winning.
            """#
        ),
        DemoArticle(
            slug: "api-versioning",
            title: "API Versioning Without Tears",
            author: "alex-kim",
            tags: ["api"],
            publication: .published(daysAgo: 70),
            body: #"""
            ## Put the version in the path

            `/v1/articles` is easy to route, to cache and to read in logs.

            ## What does not need a new version

            - adding a field to a response
            - adding an optional parameter
            - adding an endpoint

            ## What does

            - removing or renaming a field
            - changing a field's type or meaning
            - tightening validation on existing input

            Publish a machine-readable description such as [OpenAPI](https://www.openapis.org/) and test the
            server against it in CI, so the document never drifts from the code.
            """#
        ),
    ]

    private static let brandArticles: [DemoArticle] = [
        DemoArticle(
            slug: "brand-voice-guide",
            title: "Writing a Brand Voice Guide People Use",
            author: "maya-okafor",
            tags: ["branding", "marketing"],
            publication: .published(daysAgo: 4),
            featured: true,
            body: #"""
            ## One page, not forty

            A voice guide that nobody opens does not shape any writing. Keep it to one page.

            ## What goes on the page

            1. Three adjectives, each with a "but not": *confident, but not loud*.
            2. Words you use and words you avoid.
            3. Before-and-after rewrites of real copy.

            | We say | We avoid |
            |--------|----------|
            | "We'll fix it today." | "Your issue has been escalated." |
            | "Here's how it works." | "Leverage our synergies." |

            ## Keep it alive

            Review it every quarter with the people who write support replies; they write more words than
            anyone else in the company.
            """#
        ),
        DemoArticle(
            slug: "content-calendar",
            title: "A Content Calendar for a Team of Two",
            author: "maya-okafor",
            tags: ["marketing"],
            publication: .published(daysAgo: 12),
            body: #"""
            ## Plan less, publish more

            Small teams over-plan. A calendar should answer three questions: what, who and when.

            - **Monday**: one long article
            - **Wednesday**: one customer story
            - **Friday**: a short note on something learned this week

            ## Reuse everything

            Each long article becomes a newsletter section, three social posts and a talk outline. Write once,
            publish four times.
            """#
        ),
        DemoArticle(
            slug: "technical-seo-checklist",
            title: "The Technical SEO Checklist for Developers",
            author: "maya-okafor",
            tags: ["seo", "marketing", "api"],
            publication: .published(daysAgo: 19),
            body: #"""
            ## The basics that still matter

            | Check | Why |
            |-------|-----|
            | One `<h1>` per page | Search engines read structure |
            | Canonical URLs | Duplicate pages split ranking |
            | A sitemap | New pages are found sooner |
            | Fast first paint | Speed is a ranking signal |

            ## For headless sites

            - render titles and descriptions on the server, not in the browser
            - serve `sitemap.xml` from the content API
            - redirect old slugs with `301` when an article is renamed

            ```html
            <link rel="canonical" href="https://signal.example.com/articles/technical-seo-checklist">
            ```
            """#
        ),
        DemoArticle(
            slug: "landing-page-experiments",
            title: "Landing Page Experiments That Teach You Something",
            author: "maya-okafor",
            tags: ["marketing", "analytics"],
            publication: .published(daysAgo: 27),
            body: #"""
            ## Start with a hypothesis

            "A shorter form will raise sign-ups by 10% among mobile visitors" can be wrong, which is what
            makes it useful.

            ## Run it properly

            1. Decide the sample size before you start.
            2. Change one thing.
            3. Do not stop early because the graph looks good.

            ## Write it down

            Every experiment, won or lost, gets a paragraph in a shared log. After a year, that log is the
            most valuable marketing document you own.
            """#
        ),
        DemoArticle(
            slug: "rebrand-without-losing-search",
            title: "Rebranding Without Losing Your Search Traffic",
            author: "maya-okafor",
            tags: ["branding", "seo"],
            publication: .published(daysAgo: 41),
            body: #"""
            ## The risk

            A new name and a new site can wipe out years of search ranking in a week.

            ## The plan

            - list every URL that receives traffic today
            - map each one to its new home
            - serve permanent `301` redirects, not `302`
            - keep the old domain for at least a year

            ```nginx
            location /blog/ {
                return 301 https://signal.example.com/articles/;
            }
            ```

            Watch crawl errors daily for the first month after launch.
            """#
        ),
    ]

    private static let dataArticles: [DemoArticle] = [
        DemoArticle(
            slug: "kpi-definitions",
            title: "One KPI, One Definition",
            author: "priya-raman",
            tags: ["analytics", "data"],
            publication: .published(daysAgo: 6),
            featured: true,
            body: #"""
            ## The problem

            Sales says 412 active customers, finance says 388, product says 455. All three are right, by
            their own definition.

            ## Write the definition down

            | KPI | Definition | Owner |
            |-----|------------|-------|
            | Active customer | Paid invoice in the last 30 days | Finance |
            | Monthly recurring revenue | Sum of active subscriptions, normalised to a month | Finance |
            | Weekly active user | Signed in on 1 or more days in the last 7 | Product |

            ## Compute it once

            Put each definition in one SQL view and build every dashboard on top of it.

            ```sql
            CREATE VIEW active_customers AS
            SELECT customer_id FROM invoices
            WHERE paid_at >= date('now', '-30 days')
            GROUP BY customer_id;
            ```
            """#
        ),
        DemoArticle(
            slug: "fast-dashboards",
            title: "Dashboards That Load in Under a Second",
            author: "priya-raman",
            tags: ["analytics", "data"],
            publication: .published(daysAgo: 14),
            body: #"""
            ## Nobody waits for a dashboard

            If a dashboard takes ten seconds, people screenshot it and stop opening it.

            ## Make it fast

            - pre-aggregate by day; few questions need raw events
            - index the columns you filter on
            - cache results for as long as the data is unchanged
            - show fewer charts

            The last one matters most. A dashboard with four charts gets read; one with forty gets skimmed.
            """#
        ),
        DemoArticle(
            slug: "data-contracts",
            title: "Data Contracts Between Teams",
            author: "priya-raman",
            tags: ["data", "integrations", "api"],
            publication: .published(daysAgo: 21),
            body: #"""
            ## Events are an API

            When the product team renames a field, the revenue report breaks. A data contract makes the
            event schema an agreement, not an accident.

            ```json
            {
              "event": "order_paid",
              "version": 2,
              "fields": {"order_id": "string", "amount_cents": "integer", "currency": "string"}
            }
            ```

            ## What the contract says

            1. the schema, versioned
            2. who owns it
            3. how much notice a breaking change gets

            Validate events against the contract in CI, exactly as you would an HTTP API.
            """#
        ),
        DemoArticle(
            slug: "cohort-analysis-basics",
            title: "Cohort Analysis in Plain SQL",
            author: "priya-raman",
            tags: ["analytics", "data"],
            publication: .published(daysAgo: 34),
            body: #"""
            ## Why cohorts

            Averages hide change. Grouping customers by the month they joined shows whether newer customers
            stay longer than older ones.

            ```sql
            SELECT strftime('%Y-%m', signed_up_at) AS cohort,
                   COUNT(*) AS customers,
                   SUM(active_after_90_days) AS retained
            FROM customers
            GROUP BY cohort
            ORDER BY cohort;
            ```

            ## Reading the table

            - read across a row to see one cohort age
            - read down a column to compare cohorts at the same age
            - look for the month where the curve changed, then ask what shipped that month
            """#
        ),
        DemoArticle(
            slug: "event-tracking-plan",
            title: "An Event Tracking Plan in Five Steps",
            author: "priya-raman",
            tags: ["data", "analytics", "marketing"],
            publication: .published(daysAgo: 49),
            body: #"""
            ## Track decisions, not clicks

            1. List the decisions the business needs to make.
            2. List the questions behind each decision.
            3. List the events that answer them.
            4. Name events as `object_action`: `invoice_sent`, `trial_started`.
            5. Review the plan before anyone writes tracking code.

            Fewer, well-named events beat a thousand auto-captured ones that nobody can explain.
            """#
        ),
    ]

    private static let operationsArticles: [DemoArticle] = [
        DemoArticle(
            slug: "process-mapping",
            title: "Map the Process Before You Automate It",
            author: "tomas-herrera",
            tags: ["operations", "automation"],
            publication: .published(daysAgo: 8),
            body: #"""
            ## Automating a mess gives you a faster mess

            Before any tool is chosen, sit with the people doing the work and draw what really happens.

            ## The map

            - every step, with who does it
            - every hand-off, with how it happens (email, chat, a spreadsheet)
            - every wait, with how long it lasts

            Most maps show that the waits take longer than the work. Remove the waits first; automate second.
            """#
        ),
        DemoArticle(
            slug: "automating-invoices",
            title: "Automating the Invoice Run",
            author: "tomas-herrera",
            tags: ["automation", "operations", "integrations"],
            publication: .published(daysAgo: 18),
            body: #"""
            ## Before

            Two people spent the first Monday of every month copying hours from the time tracker into the
            accounting tool.

            ## After

            1. A scheduled job exports last month's hours.
            2. It groups them by client and project.
            3. It creates draft invoices through the accounting tool's API.
            4. A person reviews and sends them.

            | | Before | After |
            |---|---|---|
            | Time per month | 9 hours | 40 minutes |
            | Errors found by clients | 3 to 5 | 0 |

            The review step stays human on purpose: automation drafts, people decide.
            """#
        ),
        DemoArticle(
            slug: "webhooks-vs-polling",
            title: "Webhooks or Polling?",
            author: "tomas-herrera",
            tags: ["integrations", "automation", "api", "security"],
            publication: .published(daysAgo: 29),
            body: #"""
            ## Webhooks

            The other system calls you when something changes. Fast and cheap, but you must:

            - verify the signature on every delivery
            - answer quickly and do the work in the background
            - handle duplicates and out-of-order deliveries

            ## Polling

            You ask the other system every few minutes. Slower, but simple and under your control.

            ## Both

            Use webhooks for speed and a slow poll as a safety net for the deliveries that never arrive.

            ```python
            expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, signature):
                abort(401)
            ```
            """#
        ),
        DemoArticle(
            slug: "runbooks-that-work",
            title: "Runbooks That Work at 3 a.m.",
            author: "tomas-herrera",
            tags: ["operations", "observability"],
            publication: .published(daysAgo: 44),
            body: #"""
            ## Written for a tired reader

            A runbook is read by someone who was asleep five minutes ago. Write for that person.

            ## Every runbook has

            1. the alert it belongs to, linked both ways
            2. how to confirm the problem is real
            3. the first safe action
            4. who to call when that does not work

            - [ ] link the dashboard
            - [ ] test every command in the runbook
            - [x] keep it under one screen

            Review runbooks after every incident: the best edits come from the person who just used one.
            """#
        ),
    ]

    private static let unpublishedArticles: [DemoArticle] = [
        DemoArticle(
            slug: "zero-downtime-migrations",
            title: "Zero-Downtime Database Migrations",
            author: "alex-kim",
            tags: ["distributed-systems", "go"],
            publication: .draft,
            body: #"""
            ## Expand, migrate, contract

            1. Add the new column, nullable.
            2. Write to both columns.
            3. Backfill.
            4. Read from the new column.
            5. Drop the old one in a later release.

            *Draft: add the Go migration runner example.*
            """#
        ),
        DemoArticle(
            slug: "brand-audit-template",
            title: "A Brand Audit Template",
            author: "maya-okafor",
            tags: ["branding"],
            publication: .draft,
            body: #"""
            ## Draft outline

            - visual identity across channels
            - tone of voice in support replies
            - what customers say the company does
            """#
        ),
        DemoArticle(
            slug: "quarterly-kpi-review",
            title: "How We Run the Quarterly KPI Review",
            author: "priya-raman",
            tags: ["analytics", "operations"],
            publication: .scheduled(daysAhead: 5),
            body: #"""
            ## Ninety minutes, four questions

            1. Which KPIs moved, and why?
            2. Which definitions need to change?
            3. Which dashboards did nobody open?
            4. What will we measure next quarter that we cannot measure today?

            The review ends with a written list of decisions and owners, published to the whole company.
            """#
        ),
    ]
}
