public import Foundation
public import PapoCore
import Synchronization

extension AgentTemplate {
    /// The template as an agent sees it: `overrides` (the agent row's JSON object, shaped like
    /// a template) merged over this template — objects key by key, everything else replaced —
    /// and the result checked exactly like a template file, unknown keys included. The id
    /// stays the template's.
    ///
    /// Errors name the path of the offending key (`context.max_messages`); their line and
    /// column refer to the merged document and mean little to an API caller.
    public func applying(_ overrides: [String: JSONValue], source: String = "overrides") -> AgentTemplateLoader.Outcome
    {
        guard !overrides.isEmpty else {
            return AgentTemplateLoader.Outcome(file: source, template: self, errors: [])
        }
        let base: JSONValue
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            base = try JSONDecoder().decode(JSONValue.self, from: encoder.encode(self))
        } catch {
            return AgentTemplateLoader.Outcome(
                file: source, template: nil,
                errors: [TemplateError(kind: .invalidValue, file: source, message: "\(error)")])
        }
        var merged = Self.merge(base, over: .object(overrides))
        if case .object(var members) = merged {
            members["id"] = .string(id)
            merged = .object(members)
        }
        // JSON is YAML, so the merged document goes through the same decoder and validator.
        return AgentTemplateLoader.load(text: merged.jsonText, file: source)
    }

    /// `override` laid over `base`: objects merge member by member, anything else replaces.
    static func merge(_ base: JSONValue, over override: JSONValue) -> JSONValue {
        guard case .object(var members) = base, case .object(let changes) = override else { return override }
        for (key, value) in changes {
            members[key] = members[key].map { merge($0, over: value) } ?? value
        }
        return .object(members)
    }
}

/// Remembers each agent's merged template, so a turn does not re-merge and re-validate the
/// same overrides; an entry is rebuilt when the template file or the overrides change.
final class AgentOverridesCache: Sendable {
    private struct Entry {
        var base: AgentTemplate
        var overrides: [String: JSONValue]
        var merged: AgentTemplate?
    }

    private let entries = Mutex<[UUID: Entry]>([:])

    /// The merged template, or `nil` when the overrides no longer fit the template.
    func template(agentID: UUID, base: AgentTemplate, overrides: [String: JSONValue]) -> AgentTemplate? {
        if overrides.isEmpty { return base }
        if let entry = entries.withLock({ $0[agentID] }), entry.overrides == overrides, entry.base == base {
            return entry.merged
        }
        let merged = base.applying(overrides).template
        entries.withLock { $0[agentID] = Entry(base: base, overrides: overrides, merged: merged) }
        return merged
    }
}
