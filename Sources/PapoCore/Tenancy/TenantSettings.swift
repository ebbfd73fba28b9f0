import Foundation

/// The settings a tenant admin may change, validated field by field.
///
/// Every field is optional in an update: absent fields keep their value. `fallback_provider`
/// and `webhook_url` accept `null` to clear them.
public struct TenantSettingsUpdate: Sendable, Equatable {
    public var name: String?
    public var timezone: String?
    public var defaultLanguage: String?
    public var preferredProvider: ProviderKind?
    /// `.some(nil)` clears the fallback.
    public var fallbackProvider: ProviderKind??
    /// `.some(nil)` clears the webhook.
    public var webhookURL: String??
    public var business: [String: JSONValue]?

    public init() {}

    /// The field names a body may carry.
    public static let fieldNames: Set<String> = [
        "name", "timezone", "default_language", "preferred_provider", "fallback_provider", "webhook_url", "business",
    ]

    /// The most a `business` object may hold once encoded, so a tenant cannot bloat every prompt.
    public static let maxBusinessBytes = 32 * 1024

    /// Validates a decoded JSON body; every problem is reported, not just the first.
    public static func parse(_ body: [String: JSONValue]) -> Result<TenantSettingsUpdate, ValidationError> {
        var update = TenantSettingsUpdate()
        var errors: [FieldError] = []
        for key in body.keys.sorted() where !fieldNames.contains(key) {
            errors.append(FieldError(key, "unknown field; allowed: \(fieldNames.sorted().joined(separator: ", "))"))
        }
        func string(_ field: String) -> String? {
            guard let value = body[field] else { return nil }
            guard case .string(let text) = value else {
                errors.append(FieldError(field, "must be a string, got \(value.typeName)"))
                return nil
            }
            return text
        }
        if let name = string("name") {
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.count > 200 {
                errors.append(FieldError("name", "must be 1 to 200 characters"))
            } else {
                update.name = trimmed
            }
        }
        if let zone = string("timezone") {
            if let error = validateTimeZone(zone) {
                errors.append(FieldError("timezone", error))
            } else {
                update.timezone = zone
            }
        }
        if let language = string("default_language") {
            if isLanguageTag(language) {
                update.defaultLanguage = language
            } else {
                errors.append(FieldError("default_language", "must be a language tag like pt-BR, en or es-419"))
            }
        }
        if let provider = string("preferred_provider") {
            if let kind = ProviderKind(rawValue: provider) {
                update.preferredProvider = kind
            } else {
                errors.append(FieldError("preferred_provider", "must be one of meta, baileys, sandbox"))
            }
        }
        if body["fallback_provider"]?.isNull == true {
            update.fallbackProvider = .some(nil)
        } else if let provider = string("fallback_provider") {
            if let kind = ProviderKind(rawValue: provider) {
                update.fallbackProvider = .some(kind)
            } else {
                errors.append(FieldError("fallback_provider", "must be one of meta, baileys, sandbox, or null"))
            }
        }
        if body["webhook_url"]?.isNull == true {
            update.webhookURL = .some(nil)
        } else if let url = string("webhook_url") {
            if let error = validateWebhookURL(url) {
                errors.append(FieldError("webhook_url", error))
            } else {
                update.webhookURL = .some(url)
            }
        }
        if let business = body["business"] {
            if case .object(let object) = business {
                let size = (try? JSONEncoder().encode(business).count) ?? 0
                if size > maxBusinessBytes {
                    errors.append(FieldError("business", "must be at most \(maxBusinessBytes / 1024) KiB of JSON"))
                } else {
                    update.business = object
                }
            } else {
                errors.append(FieldError("business", "must be an object, got \(business.typeName)"))
            }
        }
        return errors.isEmpty ? .success(update) : .failure(ValidationError(errors))
    }

    /// Whether an IANA zone name is known to this system's time zone database.
    public static func validateTimeZone(_ identifier: String) -> String? {
        guard identifier.contains("/") || identifier == "UTC", TimeZone(identifier: identifier) != nil else {
            return "unknown time zone '\(identifier)'; use an IANA name like America/Sao_Paulo"
        }
        return nil
    }

    /// Webhooks must use https; plain http is allowed only to this machine, for development.
    public static func validateWebhookURL(_ text: String) -> String? {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), let host = url.host,
            !host.isEmpty
        else {
            return "must be an absolute URL like https://example.com/hooks/papo"
        }
        if url.user != nil || url.password != nil { return "must not embed credentials; use the subscription secret" }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased())
        switch scheme {
        case "https": return nil
        case "http" where loopback: return nil
        default: return "must use https (http is accepted only for localhost)"
        }
    }

    static func isLanguageTag(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }),
            parts.count <= 3
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (2...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }
}
