public import Foundation
public import PapoYAML

/// Turns template files into `AgentTemplate` values: parse, decode with unknown
/// keys rejected, then validate. Stateless; `AgentTemplateLibrary` adds caching,
/// last-good versions and folder-wide rules on top.
public enum AgentTemplateLoader {
    /// The result of loading one file.
    public struct Outcome: Sendable, Equatable {
        /// The file as named in errors.
        public var file: String
        /// The template, only when `errors` is empty.
        public var template: AgentTemplate?
        /// Everything wrong with the file, in source order.
        public var errors: [TemplateError]
        /// Where the `id` value is written, for cross-file duplicate reports.
        public var idMark: YAMLMark?
    }

    /// File extensions recognised as templates.
    public static let extensions: Set<String> = ["yaml", "yml"]

    /// Loads a template from YAML text. `file` names the source in errors.
    public static func load(text: String, file: String) -> Outcome {
        let root: YAMLNode
        do {
            root = try YAMLParser.parse(text, file: file)
        } catch {
            return Outcome(file: file, template: nil, errors: [templateError(error, file: file)])
        }
        let idMark = root["id"]?.mark
        do {
            let template = try YAMLDecoder(rejectUnknownKeys: true).decode(AgentTemplate.self, from: root, file: file)
            let errors = TemplateValidator.validate(template, file: file, root: root, text: text)
            return Outcome(file: file, template: errors.isEmpty ? template : nil, errors: errors, idMark: idMark)
        } catch {
            return Outcome(file: file, template: nil, errors: [templateError(error, file: file)], idMark: idMark)
        }
    }

    /// Loads a template file; an unreadable or non-UTF-8 file is an `.io` error.
    public static func load(contentsOf url: URL) -> Outcome {
        let file = url.path
        do {
            return load(data: try Data(contentsOf: url), file: file)
        } catch {
            return Outcome(
                file: file, template: nil,
                errors: [
                    TemplateError(kind: .io, file: file, message: "cannot read file: \(error.localizedDescription)")
                ])
        }
    }

    static func load(data: Data, file: String) -> Outcome {
        guard let text = String(data: data, encoding: .utf8) else {
            return Outcome(
                file: file, template: nil,
                errors: [TemplateError(kind: .io, file: file, message: "file is not valid UTF-8 text")])
        }
        return load(text: text, file: file)
    }

    /// The `*.yaml` / `*.yml` files directly inside `directory`, sorted by name.
    /// Hidden files (editor swap and backup files) are skipped.
    public static func templateFiles(in directory: URL) throws -> [URL] {
        try FileManager.default
            .contentsOfDirectory(at: directory, includingPropertiesForKeys: nil, options: [.skipsHiddenFiles])
            .filter { extensions.contains($0.pathExtension.lowercased()) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Validates files for `papo agents validate [FILES]`: each file on its own, then
    /// ids across all of them. A directory argument stands for its template files.
    /// - Returns: every problem found; empty means all files are valid.
    public static func validate(files: [URL]) -> [TemplateError] {
        var errors: [TemplateError] = []
        var owners: [String: Outcome] = [:]
        for url in files.flatMap(expand) {
            if case .failure(let error) = url {
                errors.append(error)
                continue
            }
            guard case .success(let url) = url else { continue }
            let outcome = load(contentsOf: url)
            errors += outcome.errors
            guard let template = outcome.template else { continue }
            if let owner = owners[template.id] {
                errors.append(duplicateID(template.id, in: outcome, owner: owner))
            } else {
                owners[template.id] = outcome
            }
        }
        return errors
    }

    private static func expand(_ url: URL) -> [Result<URL, TemplateError>] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [.success(url)]
        }
        do {
            return try templateFiles(in: url).map { .success($0) }
        } catch {
            return [
                .failure(
                    TemplateError(
                        kind: .io, file: url.path,
                        message: "cannot list folder: \(error.localizedDescription)"))
            ]
        }
    }

    /// The error for a template whose id another file already uses, placed on the later file's `id`.
    static func duplicateID(_ id: String, in outcome: Outcome, owner: Outcome) -> TemplateError {
        let origin = owner.idMark.map { "\(owner.file):\($0.line):\($0.column)" } ?? owner.file
        return TemplateError(
            kind: .duplicate, file: outcome.file, line: outcome.idMark?.line ?? 0,
            column: outcome.idMark?.column ?? 0, path: "id",
            message: "id '\(id)' is already used by \(origin); template ids must be unique")
    }

    private static func templateError(_ error: any Error, file: String) -> TemplateError {
        if let error = error as? YAMLError { return TemplateError(error) }
        return TemplateError(kind: .invalidValue, file: file, message: String(describing: error))
    }
}
