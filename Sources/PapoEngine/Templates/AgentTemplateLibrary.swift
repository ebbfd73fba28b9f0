public import Foundation
public import Logging
import PapoYAML
import Synchronization

/// The agent templates of one folder, kept current while the server runs.
///
/// A template file that breaks (syntax error, bad value, duplicate id) does not
/// take its agent down: the last good version stays in service and the file's
/// errors are exposed until it is fixed. Deleting a file removes its template.
///
/// Reads (`template(id:)`, `snapshot`) are synchronous and never wait for file I/O:
/// the published snapshot has its own lock, separate from the one that serialises
/// reloads. Call `reload()` once at start, then run `watch(interval:)` as a
/// long-lived task (or call `reload()` from an admin endpoint).
public final class AgentTemplateLibrary: Sendable {
    /// What one file currently contributes.
    public struct FileStatus: Sendable, Equatable {
        /// The file's path.
        public var file: String
        /// The template in service for this file: the current content when valid,
        /// else the last good version, else `nil`.
        public var template: AgentTemplate?
        /// Problems with the current content; empty when it is valid.
        public var errors: [TemplateError]

        /// Whether an older version is serving because the current content is broken.
        public var isServingLastGoodVersion: Bool { template != nil && !errors.isEmpty }
    }

    /// A consistent view of the folder after one reload.
    public struct Snapshot: Sendable, Equatable {
        /// Templates in service, by id.
        public var templates: [String: AgentTemplate] = [:]
        /// Every template file, sorted by path.
        public var files: [FileStatus] = []
        /// Problems not tied to one file (the folder cannot be listed).
        public var folderErrors: [TemplateError] = []

        /// All current problems: folder first, then per file.
        public var errors: [TemplateError] { folderErrors + files.flatMap(\.errors) }
    }

    /// What a reload changed.
    public struct Changes: Sendable, Equatable {
        /// Ids of templates that were added or whose content changed.
        public var loaded: [String] = []
        /// Ids of templates no longer in service.
        public var removed: [String] = []
        /// Errors that were not present before this reload.
        public var newErrors: [TemplateError] = []

        /// Whether anything at all changed.
        public var isEmpty: Bool { loaded.isEmpty && removed.isEmpty && newErrors.isEmpty }
    }

    /// The folder being served.
    public let directory: URL
    private let logger: Logger
    private let published = Mutex(Snapshot())
    /// Held for a whole reload, so two reloads never interleave their reads.
    private let files = Mutex([String: FileRecord]())

    /// Creates a library for `directory`; nothing is read until `reload()`.
    public init(directory: URL, logger: Logger = Logger(label: "papo.agents")) {
        self.directory = directory
        self.logger = logger
    }

    /// The current view of templates and errors.
    public var snapshot: Snapshot { published.withLock { $0 } }

    /// Templates in service, sorted by id.
    public var templates: [AgentTemplate] {
        snapshot.templates.values.sorted { $0.id < $1.id }
    }

    /// The template with this id, if one is in service.
    public func template(id: String) -> AgentTemplate? {
        published.withLock { $0.templates[id] }
    }

    /// Every current problem, with file, line and column.
    public var errors: [TemplateError] { snapshot.errors }

    /// Re-reads files that changed since the last reload (by resolved path,
    /// modification time and size, then by content), drops removed files, and
    /// publishes the result.
    @discardableResult
    public func reload() -> Changes {
        let (changes, next) = files.withLock { records in
            var scan = LibraryScan(directory: directory, records: records)
            let next = scan.run()
            records = scan.records
            // Published while the reload lock is still held, so snapshots are never
            // swapped in out of order by two concurrent reloads.
            let previous = published.withLock { snapshot in
                defer { snapshot = next }
                return snapshot
            }
            return (diff(from: previous, to: next), next)
        }
        log(changes, snapshot: next)
        return changes
    }

    /// Reloads every `interval` until the surrounding task is cancelled.
    ///
    /// Polling (about once a second) rather than inotify/kqueue: it works the same
    /// on Linux and macOS, on bind mounts and on Kubernetes ConfigMaps (whose
    /// updates swap a symlink that file watchers miss), and a stat per file per
    /// second is negligible. Each reload is short blocking I/O on a small folder.
    public func watch(
        interval: Duration = .seconds(1),
        onChange: @Sendable (Changes) async -> Void = { _ in }
    ) async {
        while !Task.isCancelled {
            let changes = reload()
            if !changes.isEmpty { await onChange(changes) }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// Validates files without loading them into a library; see `AgentTemplateLoader.validate(files:)`.
    public static func validate(files: [URL]) -> [TemplateError] {
        AgentTemplateLoader.validate(files: files)
    }

    private func diff(from old: Snapshot, to new: Snapshot) -> Changes {
        var changes = Changes()
        changes.loaded = new.templates.filter { old.templates[$0.key] != $0.value }.keys.sorted()
        changes.removed = old.templates.keys.filter { new.templates[$0] == nil }.sorted()
        let known = Set(old.errors)
        changes.newErrors = new.errors.filter { !known.contains($0) }
        return changes
    }

    private func log(_ changes: Changes, snapshot: Snapshot) {
        for id in changes.loaded {
            logger.info("agent template loaded", metadata: ["template": "\(id)"])
        }
        for id in changes.removed {
            logger.info("agent template removed", metadata: ["template": "\(id)"])
        }
        for error in changes.newErrors {
            var metadata: Logger.Metadata = ["error": "\(error)"]
            if let file = snapshot.files.first(where: { $0.file == error.file }) {
                metadata["keeping_last_good_version"] = "\(file.isServingLastGoodVersion)"
            }
            logger.error("agent template error", metadata: metadata)
        }
    }
}
