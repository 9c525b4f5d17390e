import GRDB
import MastheadDomain

/// A kind is stored as its name ("article", "preview link"); any other text does not read
/// back as a kind.
extension ResourceKind: DatabaseValueConvertible {}
