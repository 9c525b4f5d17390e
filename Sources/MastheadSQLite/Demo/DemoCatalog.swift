import MastheadDomain
extension DemoContent {
    package static let site = Site(
        title: "Signal",
        description: "Field notes on brand, growth, operations, data and the software that ties them together.",
        tagline: "One login. One data model. Six platforms. Zero app-switching.",
        url: "https://signal.example.com",
        locale: "en-GB",
        timezone: "Europe/London"
    )

    package static let authors: [DemoAuthor] = [
        DemoAuthor(
            slug: "alex-kim",
            name: "Alex Kim",
            bio: "Software architect specializing in distributed systems and microservices.",
            location: "Seoul",
            websiteURL: "https://alexkim.example.com"
        ),
        DemoAuthor(
            slug: "maya-okafor",
            name: "Maya Okafor",
            bio: "Brand strategist and growth marketer. Maya writes about positioning, content and measurable reach.",
            location: "Lagos",
            websiteURL: nil
        ),
        DemoAuthor(
            slug: "priya-raman",
            name: "Priya Raman",
            bio: "Analytics lead who turns messy operational data into KPIs that people actually read.",
            location: "Bengaluru",
            websiteURL: "https://priya.example.com"
        ),
        DemoAuthor(
            slug: "tomas-herrera",
            name: "Tomás Herrera",
            bio: "Operations consultant. Tomás maps processes, removes steps and automates what is left.",
            location: "Madrid",
            websiteURL: nil
        ),
    ]

    package static let tags: [DemoTag] = [
        DemoTag(slug: "api", name: "API", description: "Designing, versioning and operating HTTP APIs."),
        DemoTag(slug: "go", name: "Go", description: "The Go programming language in production."),
        DemoTag(slug: "observability", name: "Observability", description: "Logs, metrics, traces and knowing why."),
        DemoTag(
            slug: "distributed-systems",
            name: "Distributed Systems",
            description: "Services, queues, consistency and failure."
        ),
        DemoTag(slug: "branding", name: "Branding", description: "Identity, voice and positioning."),
        DemoTag(slug: "marketing", name: "Marketing", description: "Reach, campaigns and growth loops."),
        DemoTag(slug: "seo", name: "SEO", description: "Being found: search, structure and speed."),
        DemoTag(slug: "operations", name: "Operations", description: "Processes, admin and execution."),
        DemoTag(slug: "data", name: "Data", description: "Collecting, modelling and trusting data."),
        DemoTag(slug: "analytics", name: "Analytics", description: "Reporting, dashboards and KPIs."),
        DemoTag(slug: "automation", name: "Automation", description: "Workflows that run themselves."),
        DemoTag(slug: "integrations", name: "Integrations", description: "Connecting the tools a company runs on."),
        DemoTag(slug: "security", name: "Security", description: "Keeping systems and data safe."),
    ]

    /// Names, focus lines and the taglines the publication's page gives (SPARK, FORGE, ARGUS)
    /// are its own words; the other taglines and the descriptions are ours.
    package static let platforms: [DemoPlatform] = [
        DemoPlatform(
            slug: "arion",
            name: "ARION",
            focus: "Digital Presence & Branding",
            tagline: "Be recognised before you are introduced.",
            description: """
                ARION builds the visible company: identity systems, websites and the content that keeps them \
                alive. One design language across every channel, measured by how often people remember you.
                """
        ),
        DemoPlatform(
            slug: "spark",
            name: "SPARK",
            focus: "Marketing & Growth Systems",
            tagline: "Turn contacts into loyal customers with automated, data-driven marketing.",
            description: """
                SPARK turns marketing into a system: campaigns with clear hypotheses, funnels instrumented end \
                to end, and growth loops that keep working after the launch week.
                """
        ),
        DemoPlatform(
            slug: "oliver",
            name: "OLIVER",
            focus: "Operations, Admin & Execution",
            tagline: "The work behind the work, done.",
            description: """
                OLIVER maps how work really flows through a company, removes the steps nobody needs and gives \
                the rest an owner, a checklist and a deadline.
                """
        ),
        DemoPlatform(
            slug: "stella",
            name: "STELLA",
            focus: "Data Intelligence & Analytics",
            tagline: "Numbers people trust.",
            description: """
                STELLA models a company's data once and serves it everywhere: KPIs with one definition, \
                dashboards that load fast and reports that answer the question that was asked.
                """
        ),
        DemoPlatform(
            slug: "forge",
            name: "FORGE",
            focus: "Custom Apps & Integrations",
            tagline: "Build exactly what your business needs, connected to every tool you use.",
            description: """
                FORGE builds the applications and integrations that off-the-shelf tools leave out, on \
                boring, well-understood technology that a small team can run for years.
                """
        ),
        DemoPlatform(
            slug: "argus",
            name: "ARGUS",
            focus: "Automation & Orchestration",
            tagline: "The intelligence layer connecting every platform, automatically.",
            description: """
                ARGUS runs the workflows between systems: scheduled, event-driven and observable, with every \
                step logged and every failure retried or raised to a human.
                """
        ),
    ]

    package static let services: [DemoService] = [
        DemoService(
            slug: "build-your-brand",
            title: "Build Your Brand",
            subtitle: "Presence, Visibility & Growth",
            description: "Identity, website, content and campaigns, planned together and measured together.",
            platforms: ["arion", "spark"]
        ),
        DemoService(
            slug: "build-your-foundation",
            title: "Build Your Foundation",
            subtitle: "Operations, Process & Workflows",
            description: "Processes mapped, owned and automated, so the company runs the same way every day.",
            platforms: ["oliver", "argus"]
        ),
        DemoService(
            slug: "build-your-clarity",
            title: "Build Your Clarity",
            subtitle: "Reporting, KPIs & Data Strategy",
            description: "One set of numbers, defined once, that leadership and teams read the same way.",
            platforms: ["stella"]
        ),
        DemoService(
            slug: "build-your-engine",
            title: "Build Your Engine",
            subtitle: "Integrations, Automation & Tech",
            description: "The custom software, integrations and automations that connect everything else.",
            platforms: ["forge", "argus", "stella"]
        ),
    ]
}
