public import Foundation
public import PapoCore

/// Who a tool call is for: becomes the `context_json` a plugin receives.
public struct PluginCallContext: Sendable, Hashable {
    /// The tenant; scopes the plugin's storage.
    public var tenantId: String
    /// The conversation, when the call comes from one.
    public var conversationId: String?
    /// The customer's WhatsApp number (E.164).
    public var customerNumber: String?
    /// The customer's display name.
    public var customerName: String?
    /// The agent's per-capability config for this tool (`config:` in the template).
    public var config: JSONValue
    /// The clock plugins should use, so a turn sees one time and tests can fix it.
    public var now: Date

    /// Creates a context.
    public init(
        tenantId: String, conversationId: String? = nil, customerNumber: String? = nil,
        customerName: String? = nil, config: JSONValue = [:], now: Date = Date()
    ) {
        self.tenantId = tenantId
        self.conversationId = conversationId
        self.customerNumber = customerNumber
        self.customerName = customerName
        self.config = config
        self.now = now
    }

    /// The JSON handed to the plugin, as documented in `papo_plugin.h`.
    public var json: JSONValue {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return [
            "tenant_id": .string(tenantId),
            "conversation_id": conversationId.map(JSONValue.string) ?? .null,
            "customer": [
                "number": customerNumber.map(JSONValue.string) ?? .null,
                "name": customerName.map(JSONValue.string) ?? .null,
            ],
            "config": config,
            "now": .string(formatter.string(from: now)),
        ]
    }
}
