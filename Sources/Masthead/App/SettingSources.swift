import Configuration
import Foundation
import SystemPackage

/// Where settings come from, in order of precedence: the flags given, the environment, then
/// the JSON config file named by `config` (if any), read through one `ConfigReader`. Values
/// are handed over as text; `AppConfiguration.resolve` holds the rules for each.
public struct SettingSources: Sendable {
    private let reader: ConfigReader
    /// The config file and the settings it gives, to tell a value of the wrong kind from none.
    private let file: (path: String, keys: Set<String>)?

    /// `flags` holds the settings given on the command line.
    public static func load(
        flags: [Setting: String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(AppConfiguration.Invalid) -> SettingSources {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (setting, text) in flags {
            values[AbsoluteConfigKey([setting.key])] = ConfigValue(.string(text), isSecret: setting == .metricsToken)
        }
        let providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: values),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: "masthead"),
        ]
        let withoutFile = SettingSources(reader: ConfigReader(providers: providers), file: nil)
        guard let path = try withoutFile.text(.config) else { return withoutFile }
        let keys = try settingKeys(inFileAt: path)
        let fileProvider: FileProvider<JSONSnapshot>
        do {
            fileProvider = try await FileProvider<JSONSnapshot>(filePath: FilePath(path))
        } catch {
            throw .init(description: "cannot read the config file '\(path)': \(error)")
        }
        return SettingSources(reader: ConfigReader(providers: providers + [fileProvider]), file: (path, keys))
    }

    /// The setting's value as text, from the first source that gives it; a config file's
    /// numbers and booleans are taken as written (`8080`, `true`).
    public func text(_ setting: Setting) throws(AppConfiguration.Invalid) -> String? {
        let key = ConfigKey([setting.key])
        if let text = reader.string(forKey: key) { return text }
        if let number = reader.int(forKey: key) { return String(number) }
        if let number = reader.double(forKey: key) { return String(number) }
        if let boolean = reader.bool(forKey: key) { return String(boolean) }
        if let file, file.keys.contains(setting.key) {
            throw .init(description: "invalid \(setting.key) in '\(file.path)': expected text, a number or true/false")
        }
        return nil
    }

    /// A switch, spelled one way everywhere: the flags pass `true` or `false`, and so must
    /// the environment; a config file says JSON `true` or `false` (or those words as text).
    public func boolean(_ setting: Setting) throws(AppConfiguration.Invalid) -> Bool? {
        let key = ConfigKey([setting.key])
        let text: String
        if let given = reader.string(forKey: key) {
            text = given
        } else if let typed = reader.bool(forKey: key) {
            return typed
        } else if let other = try self.text(setting) {
            text = other
        } else {
            return nil
        }
        switch text {
        case "false": return false
        case "true": return true
        default: throw .init(description: "invalid \(setting.key) '\(text)': expected true or false")
        }
    }

    /// The settings a config file gives; a file that is not a JSON object of known settings
    /// is refused, so that a misspelt key is not silently ignored.
    private static func settingKeys(inFileAt path: String) throws(AppConfiguration.Invalid) -> Set<String> {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .init(description: "cannot read the config file '\(path)': it is missing or not JSON")
        }
        guard let settings = object as? [String: Any] else {
            throw .init(description: "the config file '\(path)' must be a JSON object of settings")
        }
        let known = Set(Setting.all.map(\.key))
        if let unknown = settings.keys.sorted().first(where: { !known.contains($0) }) {
            throw .init(description: "unknown setting '\(unknown)' in the config file '\(path)'")
        }
        return Set(settings.keys)
    }
}
