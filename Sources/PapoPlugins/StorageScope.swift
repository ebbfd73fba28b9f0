import Dispatch
import Logging
import PapoPluginABI
import Synchronization

/// Host services for one call in the engine: storage scoped to the call's tenant and plugin,
/// logs tagged with both.
struct StorageScope: HostServiceHandler {
    let tenant: String
    let plugin: String
    let tool: String
    let storage: any PluginStorage
    let logger: Logger

    func log(level: Int32, message: String) {
        let levels: [Logger.Level] = [.debug, .info, .warning, .error]
        let level = levels[Int(max(0, min(3, level)))]
        logger.log(
            level: level, "\(message)", metadata: ["plugin": "\(plugin)", "tool": "\(tool)", "tenant": "\(tenant)"])
    }

    func get(key: String) -> (status: papo_status, value: [UInt8]?) {
        switch wait({ [self] in try await storage.value(tenant: tenant, plugin: plugin, key: key) }) {
        case .success(let value?): (PAPO_OK, value)
        case .success(nil): (PAPO_NOT_FOUND, nil)
        case .failure(let error): (failed(error), nil)
        }
    }

    func put(key: String, value: [UInt8]) -> papo_status {
        switch wait({ [self] in try await storage.setValue(value, tenant: tenant, plugin: plugin, key: key) }) {
        case .success: PAPO_OK
        case .failure(let error): failed(error)
        }
    }

    func delete(key: String) -> papo_status {
        switch wait({ [self] in try await storage.removeValue(tenant: tenant, plugin: plugin, key: key) }) {
        case .success(true): PAPO_OK
        case .success(false): PAPO_NOT_FOUND
        case .failure(let error): failed(error)
        }
    }

    func list(prefix: String) -> (status: papo_status, keys: [String]) {
        switch wait({ [self] in try await storage.keys(tenant: tenant, plugin: plugin, prefix: prefix) }) {
        case .success(let keys): (PAPO_OK, keys)
        case .failure(let error): (failed(error), [])
        }
    }

    private func failed(_ error: any Error) -> papo_status {
        logger.error("plugin storage failed", metadata: ["plugin": "\(plugin)", "error": "\(error)"])
        return PAPO_STORAGE_ERROR
    }

    /// Blocks this (plugin pool) thread until the async storage call finishes. The call runs
    /// on its own executor rather than the cooperative pool, so a pool kept busy (or short of
    /// threads) cannot leave a plugin waiting on its storage until the tool times out.
    private func wait<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task(executorPreference: StorageExecutor.shared) {
            do { box.set(.success(try await work())) } catch { box.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        return box.get()!
    }
}

/// Runs plugin storage calls on Dispatch's threads, which grow when some block, instead of
/// the fixed-size cooperative pool.
final class StorageExecutor: TaskExecutor {
    static let shared = StorageExecutor()
    private let queue = DispatchQueue(label: "papo.plugin-storage", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// A result handed from a task to a waiting thread.
final class ResultBox<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)

    func set(_ result: Result<T, any Error>) { value.withLock { $0 = result } }
    func get() -> Result<T, any Error>? { value.withLock { $0 } }
}
