import MastheadDomain

/// The product catalog (platforms and the services they deliver) and the site settings.
/// Links between platforms and services are written from either side: a platform's
/// `services`, a service's `platforms`.
public protocol CatalogStore: Sendable {
    var platforms: any PlatformStore { get }
    var services: any ServiceStore { get }
    func site() async throws -> Site
    func replaceSite(with input: SiteInput, expectedRevision: Int?) async throws -> Site
    /// The site, every platform and every service, read in one transaction.
    func catalog() async throws -> Catalog
}

public struct Catalog: Sendable {
    public let site: Site
    public let platforms: [Platform]
    public let services: [Service]

    package init(site: Site, platforms: [Platform], services: [Service]) {
        self.site = site
        self.platforms = platforms
        self.services = services
    }
}
