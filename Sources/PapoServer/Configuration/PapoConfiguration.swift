public import Foundation
public import Logging
public import PapoLLM
public import PapoProviders
public import PapoStore
import PapoYAML

/// Everything `papo serve` reads at start: environment variables, or a `papo.yaml` whose
/// values the environment overrides. Defaults give the embedded setup: a private PostgreSQL
/// under the data folder, the Sandbox provider, the bundled agents and plugins.
public struct PapoConfiguration: Sendable {
    /// A libpq URL or key=value string; `nil` starts the local cluster.
    public var databaseURL: String?
    public var databaseSchema = "whatsapp_service"
    public var databasePoolSize = 10
    public var host = "127.0.0.1"
    public var port = 8080
    /// Opens `/api/v1/admin`; on embedded defaults one is generated into the data folder.
    public var adminKey: String?
    public var encryptionKey: String?
    public var llmBaseURL: String?
    public var llmAPIKey: String?
    public var llmModel: String?
    /// Prices per model (per million prompt and completion tokens) for the cost recorded with
    /// each call in `ai_usage`; a model without a price records cost 0.
    public var llmPrices = LLMPriceTable()
    public var metaAppSecret: String?
    public var metaVerifyToken: String?
    public var agentsDirectory = "agents"
    /// Folders scanned for plugin libraries; empty means the plugins this package built.
    public var pluginsDirectories: [String] = []
    /// Local state: the development cluster, generated keys, uploaded media.
    public var dataDirectory = ".papo"
    public var logLevel: Logger.Level = .info
    public var corsAllowedOrigins: [String] = []
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// The URL providers' webhooks reach this server at (gateways post session events there);
    /// `nil` means `http://<host>:<port>`, which only a gateway on the same machine can reach.
    public var publicURL: String?
    /// How often the health monitor checks each connected Meta or Baileys session.
    public var sessionCheckInterval: Duration = .seconds(60)

    public init() {}

    /// The public URL, or the listening address when none is configured.
    public var effectivePublicURL: String {
        publicURL ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
    }

    /// The encryption of stored secrets. Without `PAPO_ENCRYPTION_KEY`, only the embedded setup may
    /// start (`papo serve` then creates a key in the data folder and says so): against a real
    /// database, credentials would otherwise be stored under a key nobody can find again, or not
    /// at all. A malformed key is refused too.
    public func secretBox() throws -> SecretBox? {
        guard let encryptionKey else {
            guard usesEmbeddedDatabase else {
                throw ConfigurationError(
                    "PAPO_ENCRYPTION_KEY is not set: Papo refuses to start without it when DATABASE_URL is set, "
                        + "because session credentials and webhook secrets are stored encrypted. Create one with "
                        + "`papo keys generate` and keep it safe (losing it loses the stored credentials)")
            }
            return nil
        }
        do {
            return try SecretBox(configuration: encryptionKey)
        } catch {
            throw ConfigurationError("PAPO_ENCRYPTION_KEY: \(error)")
        }
    }

    /// The Meta webhook checker, when both its secrets are configured.
    public var metaWebhook: MetaWebhook? {
        guard let metaAppSecret, let metaVerifyToken else { return nil }
        return MetaWebhook(verifyToken: metaVerifyToken, appSecret: metaAppSecret)
    }

    /// Where uploaded media files are kept.
    public var mediaDirectory: URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("media")
    }

    /// The configured plugin folders that exist.
    public func pluginDirectories() -> [String] {
        pluginsDirectories.compactMap { ResourceLocator.locate($0)?.path }
    }

    /// With no plugin folder configured: the plugin libraries built beside this binary
    /// (`libPapoPlugin*.so`), so the embedded setup has the bundled plugins and never the test
    /// fixtures that SwiftPM builds into the same folder.
    public func bundledPluginFiles() -> [String] {
        guard pluginsDirectories.isEmpty else { return [] }
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("libPapoPlugin") && $0.hasSuffix(".so") }.sorted()
            .map { folder.appendingPathComponent($0).path }
    }

    /// Whether the database is the private local cluster.
    public var usesEmbeddedDatabase: Bool { databaseURL == nil }

    /// Reads the optional YAML file, then lets the environment override each value.
    public static func load(file: String?, environment: [String: String]) throws -> PapoConfiguration {
        var configuration = PapoConfiguration()
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ConfigurationError("cannot read the configuration file \(file): \(error.localizedDescription)")
            }
            let values = try YAMLDecoder().decode(FileValues.self, from: text, file: file)
            values.apply(to: &configuration)
        }
        try configuration.applyEnvironment(environment)
        try configuration.validate()
        return configuration
    }

    mutating func applyEnvironment(_ environment: [String: String]) throws {
        func value(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        func integer(_ name: String) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text) else {
                throw ConfigurationError("\(name) must be a whole number, got '\(text)'")
            }
            return number
        }
        databaseURL = value("DATABASE_URL") ?? databaseURL
        databaseSchema = value("PAPO_DB_SCHEMA") ?? databaseSchema
        databasePoolSize = try integer("PAPO_DB_POOL_SIZE") ?? databasePoolSize
        host = value("PAPO_HOST") ?? host
        port = try integer("PAPO_PORT") ?? port
        adminKey = value("PAPO_ADMIN_KEY") ?? adminKey
        encryptionKey = value("PAPO_ENCRYPTION_KEY") ?? encryptionKey
        llmBaseURL = value("PAPO_LLM_BASE_URL") ?? llmBaseURL
        llmAPIKey = value("PAPO_LLM_API_KEY") ?? llmAPIKey
        llmModel = value("PAPO_LLM_MODEL") ?? llmModel
        if let prices = value("PAPO_LLM_PRICES") {
            do {
                llmPrices = try JSONDecoder().decode(LLMPriceTable.self, from: Data(prices.utf8))
            } catch {
                throw ConfigurationError(
                    "PAPO_LLM_PRICES must be JSON like {\"gpt-4o-mini\":{\"prompt_per_million\":0.15,"
                        + "\"completion_per_million\":0.6}}: \(error)")
            }
        }
        metaAppSecret = value("PAPO_META_APP_SECRET") ?? metaAppSecret
        metaVerifyToken = value("PAPO_META_VERIFY_TOKEN") ?? metaVerifyToken
        agentsDirectory = value("PAPO_AGENTS_DIR") ?? agentsDirectory
        if let plugins = value("PAPO_PLUGINS_DIR") {
            pluginsDirectories = plugins.split(separator: ":").map(String.init)
        }
        dataDirectory = value("PAPO_DATA_DIR") ?? dataDirectory
        if let level = value("PAPO_LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(
                    "PAPO_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = parsed
        }
        if let origins = value("PAPO_CORS_ORIGINS") {
            corsAllowedOrigins = origins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        tlsCertificatePath = value("PAPO_TLS_CERT") ?? tlsCertificatePath
        tlsKeyPath = value("PAPO_TLS_KEY") ?? tlsKeyPath
        publicURL = value("PAPO_PUBLIC_URL").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? publicURL
        if let seconds = try integer("PAPO_SESSION_CHECK_INTERVAL") {
            sessionCheckInterval = .seconds(seconds)
        }
    }

    func validate() throws {
        guard (1...65535).contains(port) else { throw ConfigurationError("PAPO_PORT must be 1–65535, got \(port)") }
        guard (1...500).contains(databasePoolSize) else {
            throw ConfigurationError("PAPO_DB_POOL_SIZE must be 1–500, got \(databasePoolSize)")
        }
        if let adminKey, adminKey.count < 24 {
            throw ConfigurationError("PAPO_ADMIN_KEY must be at least 24 characters (use e.g. `openssl rand -hex 32`)")
        }
        if let publicURL, !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://")) {
            throw ConfigurationError("PAPO_PUBLIC_URL must be an http:// or https:// URL, got '\(publicURL)'")
        }
        guard sessionCheckInterval >= .seconds(1) else {
            throw ConfigurationError("PAPO_SESSION_CHECK_INTERVAL must be at least 1 (seconds)")
        }
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) {
            throw ConfigurationError("PAPO_TLS_CERT and PAPO_TLS_KEY must be set together")
        }
    }

    /// The keys a `papo.yaml` may hold (unknown keys are errors, with file, line and column).
    struct FileValues: Decodable {
        var databaseURL: String?
        var databaseSchema: String?
        var databasePoolSize: Int?
        var host: String?
        var port: Int?
        var adminKey: String?
        var encryptionKey: String?
        var llm: LLM?
        var meta: Meta?
        var agentsDir: String?
        var pluginsDirs: [String]?
        var dataDir: String?
        var logLevel: String?
        var corsOrigins: [String]?
        var tls: TLS?
        var publicURL: String?
        var sessionCheckInterval: Int?

        struct LLM: Decodable {
            var baseURL: String?
            var apiKey: String?
            var model: String?
            var prices: LLMPriceTable?
            enum CodingKeys: String, CodingKey {
                case baseURL = "base_url"
                case apiKey = "api_key"
                case model, prices
            }
        }
        struct Meta: Decodable {
            var appSecret: String?
            var verifyToken: String?
            enum CodingKeys: String, CodingKey {
                case appSecret = "app_secret"
                case verifyToken = "verify_token"
            }
        }
        struct TLS: Decodable {
            var certificate: String?
            var key: String?
        }

        enum CodingKeys: String, CodingKey {
            case databaseURL = "database_url"
            case databaseSchema = "database_schema"
            case databasePoolSize = "database_pool_size"
            case host, port
            case adminKey = "admin_key"
            case encryptionKey = "encryption_key"
            case llm, meta
            case agentsDir = "agents_dir"
            case pluginsDirs = "plugins_dirs"
            case dataDir = "data_dir"
            case logLevel = "log_level"
            case corsOrigins = "cors_origins"
            case tls
            case publicURL = "public_url"
            case sessionCheckInterval = "session_check_interval"
        }

        func apply(to configuration: inout PapoConfiguration) {
            configuration.databaseURL = databaseURL ?? configuration.databaseURL
            configuration.databaseSchema = databaseSchema ?? configuration.databaseSchema
            configuration.databasePoolSize = databasePoolSize ?? configuration.databasePoolSize
            configuration.host = host ?? configuration.host
            configuration.port = port ?? configuration.port
            configuration.adminKey = adminKey ?? configuration.adminKey
            configuration.encryptionKey = encryptionKey ?? configuration.encryptionKey
            configuration.llmBaseURL = llm?.baseURL ?? configuration.llmBaseURL
            configuration.llmAPIKey = llm?.apiKey ?? configuration.llmAPIKey
            configuration.llmModel = llm?.model ?? configuration.llmModel
            configuration.llmPrices = llm?.prices ?? configuration.llmPrices
            configuration.metaAppSecret = meta?.appSecret ?? configuration.metaAppSecret
            configuration.metaVerifyToken = meta?.verifyToken ?? configuration.metaVerifyToken
            configuration.agentsDirectory = agentsDir ?? configuration.agentsDirectory
            configuration.pluginsDirectories = pluginsDirs ?? configuration.pluginsDirectories
            configuration.dataDirectory = dataDir ?? configuration.dataDirectory
            configuration.logLevel = logLevel.flatMap { Logger.Level(rawValue: $0) } ?? configuration.logLevel
            configuration.corsAllowedOrigins = corsOrigins ?? configuration.corsAllowedOrigins
            configuration.tlsCertificatePath = tls?.certificate ?? configuration.tlsCertificatePath
            configuration.tlsKeyPath = tls?.key ?? configuration.tlsKeyPath
            configuration.publicURL = publicURL ?? configuration.publicURL
            configuration.sessionCheckInterval =
                sessionCheckInterval.map { .seconds($0) } ?? configuration.sessionCheckInterval
        }
    }
}

/// A configuration problem, said in terms of the setting to change.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
