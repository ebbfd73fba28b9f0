/// How a call reached (or failed to reach) the plugin.
enum BackendOutcome: Sendable {
    /// The plugin returned; `nil` when it returned NULL.
    case returned(String?)
    /// The call overran its timeout.
    case timedOut
    /// The plugin's process died or could not be started.
    case crashed(String)
}

/// Runs calls of one plugin: in this process or in a child.
protocol PluginBackend: Sendable {
    func invoke(
        tool: String, arguments: String, context: String, services: StorageScope, timeout: Duration
    ) async -> BackendOutcome
    func shutdown()
}

/// Calls straight into the library on the host's plugin threads.
struct InProcessBackend: PluginBackend {
    /// Keeps "returned NULL" apart from "timed out" without a double optional.
    private struct Reply: Sendable { var text: String? }

    let library: PluginLibrary
    let pool: PluginThreadPool

    func invoke(
        tool: String, arguments: String, context: String, services: StorageScope, timeout: Duration
    ) async -> BackendOutcome {
        let library = library
        let result = await pool.run(timeout: timeout) { () -> Reply in
            let scope = CallScope(handler: services)
            // `scope` stays alive until `invoke` returns, even if the caller gave up.
            return withExtendedLifetime(scope) {
                Reply(text: library.invoke(call: scope.pointer, tool: tool, arguments: arguments, context: context))
            }
        }
        guard let result else { return .timedOut }
        return .returned(result.text)
    }

    func shutdown() {}
}
