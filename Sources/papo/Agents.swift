import ArgumentParser
import Foundation
import PapoEngine
import PapoServer

struct Agents: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with agent templates.", subcommands: [Validate.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check agent templates; prints file:line:column for every problem and exits non-zero on any.")

        @Argument(help: "Template files or folders (default: the agents folder).")
        var files: [String] = []

        func run() throws {
            let paths = files.isEmpty ? [ProcessInfo.processInfo.environment["PAPO_AGENTS_DIR"] ?? "agents"] : files
            let urls = paths.map { ResourceLocator.locate($0) ?? URL(fileURLWithPath: $0) }
            let errors = AgentTemplateLibrary.validate(files: urls)
            if errors.isEmpty {
                let count = urls.reduce(0) { total, url in
                    var isFolder: ObjCBool = false
                    _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
                    guard isFolder.boolValue else { return total + 1 }
                    return total + ((try? AgentTemplateLoader.templateFiles(in: url).count) ?? 0)
                }
                print("\(count) template file(s) valid.")
                return
            }
            for error in errors { print(error.description) }
            throw ExitCode(1)
        }
    }
}
