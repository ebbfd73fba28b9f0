import Foundation
import PapoYAML
import Testing

private struct Manifest: Decodable {
    struct Capability: Decodable {
        struct Config: Decodable {
            var timeout: Int?
            var retries: Int
        }
        var id: String
        var config: Config
    }
    var name: String
    var capabilities: [Capability]
}

private func failure<T: Decodable>(
    _ type: T.Type, _ yaml: String, sourceLocation: SourceLocation = #_sourceLocation
) throws -> YAMLError {
    try #require(throws: YAMLError.self, sourceLocation: sourceLocation) {
        try YAMLDecoder().decode(type, from: yaml, file: "papo.yaml")
    }
}

@Suite struct YAMLErrorTests {
    @Test func unknownKeyNestedInAnArrayIsReportedWithPositionPathAndSuggestion() throws {
        let error = try failure(
            Manifest.self,
            """
            name: papo
            capabilities:
              - id: http
                config:
                  retries: 1
              - id: db
                config:
                  retries: 2
                  tymeout: 30
            """)
        #expect(error.kind == .unknownKey)
        #expect(error.line == 9)
        #expect(error.column == 7)
        #expect(error.path == "capabilities[1].config.tymeout")
        #expect(error.message == "unknown key 'tymeout'; did you mean 'timeout'? (expected one of: timeout, retries)")
        #expect(error.description == "papo.yaml:9:7: \(error.message) (at capabilities[1].config.tymeout)")
    }

    @Test func firstUnknownKeyInDocumentOrderWins() throws {
        let error = try failure(
            Manifest.self,
            """
            name: papo
            extra: 1
            capabilities:
              - id: http
                bogus: true
                config: {retries: 1}
            """)
        #expect(error.kind == .unknownKey)
        #expect(error.path == "extra")
        #expect(error.line == 2)
        #expect(error.column == 1)
    }

    @Test func missingKeyPointsAtTheMappingThatLacksIt() throws {
        let error = try failure(
            Manifest.self,
            """
            name: papo
            capabilities:
              - id: http
                config:
                  timeout: 5
            """)
        #expect(error.kind == .missingKey)
        #expect(error.message == "missing key 'retries'")
        #expect(error.path == "capabilities[0].config")
        #expect(error.line == 5)
        #expect(error.column == 7)
    }

    @Test func typeMismatchPointsAtTheOffendingNode() throws {
        let error = try failure(
            Manifest.self,
            """
            name: papo
            capabilities:
              - id: http
                config:
                  retries: often
            """)
        #expect(error.kind == .typeMismatch)
        #expect(error.path == "capabilities[0].config.retries")
        #expect(error.line == 5)
        #expect(error.column == 16)
        #expect(error.message == "expected an integer (Int) but found 'often'")

        let shape = try failure(Manifest.self, "name: papo\ncapabilities:\n  id: x\n")
        #expect(shape.kind == .typeMismatch)
        #expect(shape.message == "expected a sequence but found a mapping")
        #expect((shape.line, shape.column, shape.path) == (3, 3, "capabilities"))
    }

    @Test func nullForARequiredStringIsAMismatch() throws {
        struct Named: Decodable { var name: String }
        let error = try failure(Named.self, "name: ~\n")
        #expect(error.kind == .typeMismatch)
        #expect(error.message == "expected a String but found null")
        #expect((error.line, error.column) == (1, 7))
    }

    @Test func invalidEnumRawValueIsConvertedWithPosition() throws {
        enum Level: String, Decodable { case debug, info }
        struct Logging: Decodable { var levels: [Level] }
        let error = try failure(Logging.self, "levels:\n  - debug\n  - verbose\n")
        #expect(error.kind == .dataCorrupted)
        #expect(error.path == "levels[1]")
        #expect((error.line, error.column) == (3, 5))
        #expect(error.message.contains("verbose"))
    }

    @Test func decodingErrorsThrownByCustomInitializersGetPositions() throws {
        struct Port: Decodable {
            var number: Int
            enum Keys: String, CodingKey { case number }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                number = try container.decode(Int.self, forKey: .number)
                guard number > 0 else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .number, in: container, debugDescription: "port must be positive")
                }
            }
        }
        struct Ports: Decodable { var ports: [Port] }
        let error = try failure(Ports.self, "ports:\n  - number: 80\n  - number: -1\n")
        #expect(error.kind == .dataCorrupted)
        #expect(error.message == "port must be positive")
        #expect(error.path == "ports[1].number")
        #expect((error.line, error.column) == (3, 13))

        struct Strict: Decodable {
            init(from decoder: any Decoder) throws {
                throw DecodingError.valueNotFound(Int.self, .init(codingPath: [], debugDescription: ""))
            }
        }
        struct Holder: Decodable { var inner: [String: Strict] }
        let shortPath = try failure(Holder.self, "inner:\n  a: 1\n")
        #expect(shortPath.kind == .typeMismatch)
        #expect(shortPath.path == "inner.a")
        #expect((shortPath.line, shortPath.column) == (2, 6))
    }

    @Test func duplicateKeyNamesKeyAndBothPositions() throws {
        let error = try #require(throws: YAMLError.self) {
            try YAMLParser.parse("server:\n  port: 1\n  host: a\n  port: 2\n", file: "dup.yaml")
        }
        #expect(error.kind == .duplicateKey)
        #expect(error.file == "dup.yaml")
        #expect((error.line, error.column) == (4, 3))
        #expect(error.path == "server.port")
        #expect(error.message == "duplicate key 'port' (first defined at line 2, column 3)")
    }

    @Test func unknownAliasIsReportedAtTheAlias() throws {
        let error = try #require(throws: YAMLError.self) {
            try YAMLParser.parse("items:\n  - &one 1\n  - *two\n")
        }
        #expect(error.kind == .unknownAlias)
        #expect((error.line, error.column) == (3, 5))
        #expect(error.path == "items[1]")
        #expect(error.message.hasPrefix("unknown alias '*two'"))
    }

    @Test func libyamlSyntaxErrorForBadIndentation() throws {
        struct Server: Decodable {
            var host: String
            var port: Int
        }
        let error = try failure(
            [String: Server].self,
            """
            server:
              host: example.org
             port: 80
            """)
        #expect(error.kind == .syntax)
        #expect(error.line == 3)
        #expect(error.column == 2)
        #expect(error.message.hasPrefix("did not find expected key"))
        #expect(error.path == "")
        #expect(error.description.hasPrefix("papo.yaml:3:2: did not find expected key"))
    }

    @Test func libyamlScannerErrorCarriesItsMark() throws {
        let error = try #require(throws: YAMLError.self) {
            try YAMLParser.parse("key: value: other\n")
        }
        #expect(error.kind == .syntax)
        #expect(error.message == "mapping values are not allowed in this context")
        #expect((error.line, error.column) == (1, 11))
    }

    @Test func invalidUTF8IsASyntaxErrorWithPosition() throws {
        let bytes = Data("a: 1\nb: ".utf8) + Data([0xFF, 0x0A])
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(bytes) }
        #expect(error.kind == .syntax)
        #expect((error.line, error.column) == (2, 4))
        #expect(error.message.contains("0xFF"))
    }

    @Test func rootErrorsHaveAnEmptyPath() throws {
        let error = try failure([Int].self, "just text")
        #expect(error.path == "")
        #expect(error.description == "papo.yaml:1:1: expected a sequence but found 'just text'")
    }
}
