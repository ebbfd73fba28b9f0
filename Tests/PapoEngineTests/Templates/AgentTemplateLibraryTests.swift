import Foundation
import PapoEngine
import Testing

/// Hot reload on real files: a broken edit must never take a working agent down.
@Suite struct AgentTemplateLibraryTests {
    @Test func loadsEveryYAMLAndYMLFileAndIgnoresOthers() async throws {
        try await TemplateFixtures.withFolder { folder in
            try TemplateFixtures.write(TemplateFixtures.minimal(id: "vendas"), to: "vendas.yaml", in: folder)
            try TemplateFixtures.write(TemplateFixtures.minimal(id: "suporte"), to: "suporte.yml", in: folder)
            try TemplateFixtures.write("not a template", to: "README.md", in: folder)
            try TemplateFixtures.write(TemplateFixtures.minimal(id: "oculto"), to: ".swap.yaml", in: folder)
            let library = AgentTemplateLibrary(directory: folder)
            let changes = library.reload()
            #expect(changes.loaded == ["suporte", "vendas"])
            #expect(library.templates.map(\.id) == ["suporte", "vendas"])
            #expect(library.template(id: "vendas")?.name == "Demo")
            #expect(library.snapshot.files.count == 2)
        }
    }

    @Test func brokenEditKeepsLastGoodVersionAndFixingReloads() async throws {
        try await TemplateFixtures.withFolder { folder in
            let file = try TemplateFixtures.write(
                TemplateFixtures.minimal(name: "Primeira"), to: "demo.yaml", in: folder)
            let library = AgentTemplateLibrary(directory: folder)
            library.reload()
            #expect(library.template(id: "demo")?.name == "Primeira")

            // A typo while editing: the agent keeps serving the previous version.
            try TemplateFixtures.write(
                TemplateFixtures.minimal(name: "Segunda", extra: "reply:\n  max_lenght: 900\n"),
                to: "demo.yaml", in: folder)
            let broken = library.reload()
            #expect(broken.loaded == [])
            #expect(broken.removed == [])
            #expect(library.template(id: "demo")?.name == "Primeira")
            let error = try #require(library.errors.first)
            #expect(library.errors.count == 1)
            #expect(broken.newErrors == [error])
            #expect(error.file == file.path)
            #expect((error.line, error.column, error.path) == (6, 3, "reply.max_lenght"))
            #expect(error.message.contains("did you mean 'max_length'"))
            #expect(library.snapshot.files.first?.isServingLastGoodVersion == true)

            // Reloading without changes neither re-reports nor changes anything.
            #expect(library.reload().isEmpty)

            try TemplateFixtures.write(
                TemplateFixtures.minimal(name: "Segunda", extra: "reply:\n  max_length: 900\n"),
                to: "demo.yaml", in: folder)
            let fixed = library.reload()
            #expect(fixed.loaded == ["demo"])
            #expect(library.errors == [])
            #expect(library.template(id: "demo")?.name == "Segunda")
            #expect(library.template(id: "demo")?.reply.maxLength == 900)
            #expect(library.snapshot.files.first?.isServingLastGoodVersion == false)
        }
    }

    @Test func sameSizeEditInTheSameInstantIsStillSeen() async throws {
        try await TemplateFixtures.withFolder { folder in
            try TemplateFixtures.write(TemplateFixtures.minimal(name: "Primeira"), to: "demo.yaml", in: folder)
            let library = AgentTemplateLibrary(directory: folder)
            library.reload()
            // Same byte count, written immediately: size and (on coarse clocks) mtime match.
            try TemplateFixtures.write(TemplateFixtures.minimal(name: "Segundaa"), to: "demo.yaml", in: folder)
            #expect(library.reload().loaded == ["demo"])
            #expect(library.template(id: "demo")?.name == "Segundaa")
        }
    }

    @Test func fileThatNeverLoadedServesNothingButReportsItsError() async throws {
        try await TemplateFixtures.withFolder { folder in
            try TemplateFixtures.write(
                TemplateFixtures.minimal(extra: "model:\n  temperature: 3\n"),
                to: "demo.yaml", in: folder)
            let library = AgentTemplateLibrary(directory: folder)
            library.reload()
            #expect(library.templates.isEmpty)
            #expect(library.errors.map(\.path) == ["model.temperature"])
            #expect(library.snapshot.files.map(\.template) == [nil])
        }
    }

    @Test func deletingAFileUnloadsItsTemplate() async throws {
        try await TemplateFixtures.withFolder { folder in
            let first = try TemplateFixtures.write(TemplateFixtures.minimal(id: "um"), to: "um.yaml", in: folder)
            try TemplateFixtures.write(TemplateFixtures.minimal(id: "dois"), to: "dois.yaml", in: folder)
            let library = AgentTemplateLibrary(directory: folder)
            library.reload()
            #expect(library.templates.map(\.id) == ["dois", "um"])

            try FileManager.default.removeItem(at: first)
            let changes = library.reload()
            #expect(changes.removed == ["um"])
            #expect(library.template(id: "um") == nil)
            #expect(library.templates.map(\.id) == ["dois"])
            #expect(library.snapshot.files.map(\.file) == [folder.appendingPathComponent("dois.yaml").path])
        }
    }

    @Test func duplicateIDServesTheFirstFileOnly() async throws {
        try await TemplateFixtures.withFolder { folder in
            try TemplateFixtures.write(TemplateFixtures.minimal(id: "demo", name: "A"), to: "a.yaml", in: folder)
            let second = try TemplateFixtures.write(
                TemplateFixtures.minimal(id: "demo", name: "B"), to: "b.yaml", in: folder)
            let library = AgentTemplateLibrary(directory: folder)
            library.reload()
            #expect(library.template(id: "demo")?.name == "A")
            #expect(library.errors.map(\.file) == [second.path])
            #expect(library.errors.map(\.kind) == [.duplicate])

            // Renaming the clash away publishes the second file.
            try TemplateFixtures.write(TemplateFixtures.minimal(id: "demo-b", name: "B"), to: "b.yaml", in: folder)
            #expect(library.reload().loaded == ["demo-b"])
            #expect(library.errors == [])
        }
    }

    @Test func missingFolderIsAnErrorNotACrash() {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("papo-missing-\(UUID().uuidString)")
        let library = AgentTemplateLibrary(directory: folder)
        library.reload()
        #expect(library.templates.isEmpty)
        #expect(library.errors.map(\.kind) == [.io])
        #expect(library.errors.first?.file == folder.path)
    }

    @Test(.timeLimit(.minutes(1))) func watchPicksUpNewFilesUntilCancelled() async throws {
        try await TemplateFixtures.withFolder { folder in
            let library = AgentTemplateLibrary(directory: folder)
            let (stream, continuation) = AsyncStream.makeStream(of: AgentTemplateLibrary.Changes.self)
            let watcher = Task {
                await library.watch(interval: .milliseconds(50)) { continuation.yield($0) }
                continuation.finish()
            }
            try TemplateFixtures.write(TemplateFixtures.minimal(id: "novo"), to: "novo.yaml", in: folder)
            var loaded: [String] = []
            for await changes in stream {
                loaded += changes.loaded
                if !loaded.isEmpty { break }
            }
            #expect(loaded == ["novo"])
            #expect(library.template(id: "novo") != nil)
            watcher.cancel()
            await watcher.value
        }
    }
}
