import Crypto
import Foundation

/// A subscriber to content events: Masthead POSTs each event it wants to `url`, signed with
/// its secret the Standard Webhooks way (`WebhookSignature`).
public struct Webhook: Sendable, Equatable {
    public let id: Int64
    public let url: String
    public let events: [String]
    public let active: Bool
    public let description: String?
    public let createdAt: Timestamp
    public let updatedAt: Timestamp
    /// Why delivery stopped by itself; nil unless it failed for a day.
    public let disabledReason: String?

    package init(
        id: Int64,
        url: String,
        events: [String],
        active: Bool,
        description: String?,
        createdAt: Timestamp,
        updatedAt: Timestamp,
        disabledReason: String?
    ) {
        self.id = id
        self.url = url
        self.events = events
        self.active = active
        self.description = description
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.disabledReason = disabledReason
    }
}

/// What an admin sets on a webhook.
public struct WebhookInput: Sendable, Equatable {
    public var url: String
    public var events: [String]
    public var active: Bool
    public var description: String?

    package init(url: String, events: [String], active: Bool, description: String? = nil) {
        self.url = url
        self.events = events
        self.active = active
        self.description = description
    }
}

/// The events content writes raise, and which of them a subscription pattern wants.
public enum WebhookEvents {
    public static let types: [String] =
        ["article.published", "article.updated", "article.unpublished", "article.deleted"]
        + ResourceKind.allCases.filter(\.announcesItsWrites).flatMap { kind in
            ContentEvent.Change.allCases.map { "\(kind).\($0.rawValue)" }
        }
        + ["catalog.updated"]

    /// Sent only to the one webhook pinged.
    public static let ping = "ping"

    /// A type, `kind.*` for every type of a kind, or `*` for all.
    public static func isPattern(_ text: String) -> Bool {
        if text == "*" || types.contains(text) { return true }
        guard text.hasSuffix(".*") else { return false }
        let kind = text.dropLast()  // "article."
        return types.contains { $0.hasPrefix(kind) }
    }
}

/// A content change to announce, recorded in the change's own transaction.
public struct ContentEvent: Sendable, Equatable {
    public let type: String
    /// An article, author, tag, platform, service or the site.
    public let resource: ResourceKind
    public let slug: String?
    public let previousSlug: String?
    /// Not sent before this time (a scheduled article goes live); nil: at once.
    public let availableAt: Timestamp?
    /// For a scheduled `article.published`: the publication time it was scheduled for; the
    /// event is dropped if the article no longer has it when the time comes.
    public let publishedAt: Timestamp?

    public init(
        type: String,
        resource: ResourceKind,
        slug: String?,
        previousSlug: String? = nil,
        availableAt: Timestamp? = nil,
        publishedAt: Timestamp? = nil
    ) {
        self.type = type
        self.resource = resource
        self.slug = slug
        self.previousSlug = previousSlug == slug ? nil : previousSlug
        self.availableAt = availableAt
        self.publishedAt = publishedAt
    }

    /// The event a write of an author, tag, platform, service or the site raises.
    package static func write(
        of resource: ResourceKind,
        slug: String?,
        previousSlug: String? = nil,
        kind: Change
    ) -> ContentEvent {
        let type = resource.announcesItsWrites ? "\(resource).\(kind.rawValue)" : "catalog.updated"
        return ContentEvent(type: type, resource: resource, slug: slug, previousSlug: previousSlug)
    }

    package enum Change: String, CaseIterable {
        case created, updated, deleted
    }

    /// An article as its events judge it: published as stored, and when.
    package struct ArticleState {
        package let published: Bool
        package let at: Timestamp?

        package init(published: Bool, at: Timestamp?) {
            self.published = published
            self.at = at
        }
    }

    /// What a write of an article that was `before` and is `after` (nil: absent) raises at
    /// `now`: published, updated, unpublished or deleted as the public sees it, and a
    /// publication at its time for an article scheduled. Drafts changing raise nothing.
    package static func articleWrite(
        slug: String,
        previousSlug: String?,
        before: ArticleState?,
        after: ArticleState?,
        now: Timestamp
    ) -> [ContentEvent] {
        func visible(_ state: ArticleState?) -> Bool {
            guard let state, state.published, let at = state.at else { return false }
            return at <= now
        }
        let (was, isNow) = (visible(before), visible(after))
        var events: [ContentEvent] = []
        func event(_ type: String) {
            events.append(
                ContentEvent(type: "article.\(type)", resource: .article, slug: slug, previousSlug: previousSlug)
            )
        }
        switch (was, isNow, after == nil) {
        case (true, _, true): event("deleted")
        case (false, true, _): event("published")
        case (true, true, _): event("updated")
        case (true, false, false): event("unpublished")
        default: break
        }
        if let after, after.published, let at = after.at, at > now {
            events.append(
                ContentEvent(
                    type: "article.published",
                    resource: .article,
                    slug: slug,
                    availableAt: at,
                    publishedAt: at
                )
            )
        }
        return events
    }
}

/// One event on its way to one webhook.
public struct WebhookDelivery: Sendable, Equatable {
    public enum Status: String, Sendable {
        case pending, delivered, failed, skipped
    }

    public let id: Int64
    public let webhookID: Int64
    public let eventID: Int64
    public let eventType: String
    public let status: Status
    public let attempts: Int
    public let lastStatusCode: Int?
    public let lastError: String?
    public let lastLatencyMilliseconds: Int?
    public let createdAt: Timestamp
    /// When the next attempt is due; nil once finished.
    public let nextAttemptAt: Timestamp?
    public let finishedAt: Timestamp?

    package init(
        id: Int64,
        webhookID: Int64,
        eventID: Int64,
        eventType: String,
        status: Status,
        attempts: Int,
        lastStatusCode: Int?,
        lastError: String?,
        lastLatencyMilliseconds: Int?,
        createdAt: Timestamp,
        nextAttemptAt: Timestamp?,
        finishedAt: Timestamp?
    ) {
        self.id = id
        self.webhookID = webhookID
        self.eventID = eventID
        self.eventType = eventType
        self.status = status
        self.attempts = attempts
        self.lastStatusCode = lastStatusCode
        self.lastError = lastError
        self.lastLatencyMilliseconds = lastLatencyMilliseconds
        self.createdAt = createdAt
        self.nextAttemptAt = nextAttemptAt
        self.finishedAt = finishedAt
    }
}

/// The `webhook-id` of an event: `msg_` and 128 random bits in 26 characters of Crockford's
/// base32. Made once when the event is recorded and sent with every attempt and redelivery
/// of it; random rather than a row number, so that no later event, after pruning, a restart,
/// a move to another engine or an import, ever carries an id a receiver has seen (Standard
/// Webhooks tells receivers to drop repeated ids).
public enum WebhookMessageID {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = UInt64.random(in: .min ... .max, using: &generator)
        let low = UInt64.random(in: .min ... .max, using: &generator)
        var characters: [UInt8] = []
        characters.reserveCapacity(26)
        // 26 five-bit groups cover 130 bits: the first group holds the top 3 bits.
        for index in (0..<26).reversed() {
            let shift = index * 5
            let group: UInt64 =
                if shift >= 64 {
                    high >> (shift - 64)
                } else if shift > 59 {
                    (low >> shift) | (high << (64 - shift))
                } else {
                    low >> shift
                }
            characters.append(alphabet[Int(group & 31)])
        }
        return "msg_" + String(decoding: characters, as: UTF8.self)
    }
}

/// Signing the Standard Webhooks way: `webhook-signature: v1,<base64 HMAC-SHA256 of
/// "id.timestamp.body">` under the webhook's secret, shown to its owner as `whsec_<base64>`.
public enum WebhookSignature {
    public static func secretText(_ secret: [UInt8]) -> String {
        "whsec_" + Data(secret).base64EncodedString()
    }

    public static func sign(id: String, timestamp: Int64, body: [UInt8], secret: [UInt8]) -> String {
        var message = Array("\(id).\(timestamp).".utf8)
        message += body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        return "v1," + Data(mac).base64EncodedString()
    }
}
