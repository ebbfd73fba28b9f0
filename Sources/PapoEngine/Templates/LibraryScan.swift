import Foundation

/// What the library remembers about one template file between reloads.
struct FileRecord: Sendable {
    /// `nil` forces a re-read on the next reload (after a read failure).
    var fingerprint: FileFingerprint?
    /// The bytes last decoded, so a `touch` without edits costs no decoding.
    var content: Data
    /// The outcome for `content`.
    var current: AgentTemplateLoader.Outcome
    /// The most recent outcome that was valid and published.
    var lastGood: AgentTemplateLoader.Outcome?
}

/// Cheap change detection: a file is re-read only when one of these differs.
struct FileFingerprint: Sendable, Equatable {
    /// The path after resolving symlinks; Kubernetes ConfigMap updates change only this.
    var resolvedPath: String
    var modified: Date?
    var size: Int64

    /// The fingerprint of a regular file, or `nil` when `url` is gone or not a file.
    init?(_ url: URL) {
        let resolved = url.resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved),
            attributes[.type] as? FileAttributeType == .typeRegular
        else { return nil }
        self.resolvedPath = resolved
        self.modified = attributes[.modificationDate] as? Date
        self.size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
    }

    /// Whether the file changed so recently that a second same-size edit could share
    /// its timestamp (file systems with coarse mtimes); such files are compared by
    /// content on every reload until they settle, as git does for "racily clean" files.
    var isRecent: Bool {
        guard let modified else { return true }
        return Date().timeIntervalSince(modified) < 2
    }
}

/// One reload pass of `AgentTemplateLibrary`: refreshes the records of changed
/// files, then decides which template each file serves.
struct LibraryScan {
    typealias Snapshot = AgentTemplateLibrary.Snapshot

    let directory: URL
    var records: [String: FileRecord]

    mutating func run() -> Snapshot {
        let urls: [URL]
        do {
            urls = try AgentTemplateLoader.templateFiles(in: directory)
        } catch {
            // A folder that vanishes for a moment (a deploy swapping volumes) must not
            // take every agent down: keep serving what was loaded and say why.
            var snapshot = publish()
            snapshot.folderErrors = [
                TemplateError(
                    kind: .io, file: directory.path,
                    message: "cannot list templates folder: \(error.localizedDescription)")
            ]
            return snapshot
        }
        var present: Set<String> = []
        for url in urls where refresh(url) {
            present.insert(url.path)
        }
        records = records.filter { present.contains($0.key) }
        return publish()
    }

    /// Updates the record of one file; `false` when it is not a readable regular file any more.
    private mutating func refresh(_ url: URL) -> Bool {
        let path = url.path
        guard let fingerprint = FileFingerprint(url) else { return false }
        let previous = records[path]
        if previous?.fingerprint == fingerprint, !fingerprint.isRecent { return true }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let failure = TemplateError(
                kind: .io, file: path, message: "cannot read file: \(error.localizedDescription)")
            records[path] = FileRecord(
                fingerprint: nil, content: Data(),
                current: .init(file: path, template: nil, errors: [failure]),
                lastGood: previous?.lastGood)
            return true
        }
        if let previous, previous.content == data, previous.fingerprint != nil {
            records[path]?.fingerprint = fingerprint
            return true
        }
        records[path] = FileRecord(
            fingerprint: fingerprint, content: data,
            current: AgentTemplateLoader.load(data: data, file: path),
            lastGood: previous?.lastGood)
        return true
    }

    /// Chooses what each file serves. Valid current contents claim their ids first
    /// (in path order), so a fresh valid file is never blocked by a stale last-good
    /// version elsewhere; broken files then fall back to their last good version
    /// when its id is still free.
    private mutating func publish() -> Snapshot {
        let paths = records.keys.sorted()
        var owners: [String: AgentTemplateLoader.Outcome] = [:]
        var serving: [String: AgentTemplateLoader.Outcome] = [:]
        var extraErrors: [String: [TemplateError]] = [:]

        for path in paths {
            guard let current = records[path]?.current, let template = current.template else { continue }
            if let owner = owners[template.id] {
                extraErrors[path, default: []].append(
                    AgentTemplateLoader.duplicateID(template.id, in: current, owner: owner))
            } else {
                owners[template.id] = current
                serving[path] = current
                records[path]?.lastGood = current
            }
        }
        for path in paths where serving[path] == nil {
            guard let good = records[path]?.lastGood, let template = good.template, owners[template.id] == nil else {
                continue
            }
            owners[template.id] = good
            serving[path] = good
        }

        var snapshot = Snapshot()
        for path in paths {
            let template = serving[path]?.template
            if let template { snapshot.templates[template.id] = template }
            let errors = (records[path]?.current.errors ?? []) + extraErrors[path, default: []]
            snapshot.files.append(.init(file: path, template: template, errors: errors))
        }
        return snapshot
    }
}
