import Foundation
import PapoYAML
import Testing

private struct Server: Decodable, Equatable {
    var host: String
    var port: Int?
}

/// Accepts either a full `Server` or any free-form value, the way a
/// hand-written `init(from:)` might probe alternatives with `try?`.
private enum Endpoint: Decodable {
    case server(Server)
    case other(YAMLValue)

    init(from decoder: any Decoder) throws {
        if let server = try? Server(from: decoder) {
            self = .server(server)
        } else {
            self = .other(try YAMLValue(from: decoder))
        }
    }
}

private func unknownKey<T: Decodable>(
    _ type: T.Type, _ yaml: String, sourceLocation: SourceLocation = #_sourceLocation
) throws -> YAMLError {
    let error = try #require(throws: YAMLError.self, sourceLocation: sourceLocation) {
        try YAMLDecoder().decode(type, from: yaml)
    }
    #expect(error.kind == .unknownKey, sourceLocation: sourceLocation)
    return error
}

@Suite struct UnknownKeyTests {
    @Test func valuesOfDictionariesAreStillChecked() throws {
        let error = try unknownKey(
            [String: Server].self,
            """
            web:
              host: a
            db:
              host: b
              prot: 5432
            """)
        #expect(error.path == "db.prot")
        #expect((error.line, error.column) == (5, 3))
        #expect(error.message == "unknown key 'prot'; did you mean 'port'? (expected one of: host, port)")
    }

    @Test func optionalKeysThatAreAbsentStillCountAsExpected() throws {
        let servers = try YAMLDecoder().decode([Server].self, from: "- host: a\n- {host: b, port: 1}\n")
        #expect(servers == [Server(host: "a", port: nil), Server(host: "b", port: 1)])
    }

    @Test func abandonedAttemptsDoNotLeaveUnknownKeysBehind() throws {
        // The first item fails as a Server half-way (no host), then decodes as a
        // free-form value; its `port` key must not be reported afterwards.
        let endpoints = try YAMLDecoder().decode(
            [Endpoint].self,
            from: """
                - port: 1
                  path: /x
                - host: h
                """)
        guard case .other(let value) = endpoints[0], case .server(let server) = endpoints[1] else {
            Issue.record("unexpected cases \(endpoints)")
            return
        }
        #expect(value == ["port": 1, "path": "/x"])
        #expect(server == Server(host: "h", port: nil))
    }

    @Test func keysMergedFromAnAnchorAreCheckedAtTheirSource() throws {
        struct Doc: Decodable {
            var base: Server
            var api: Server
        }
        let error = try unknownKey(
            Doc.self,
            """
            base: &base
              host: h
            api:
              <<: *base
              port: 1
              hots: x
            """)
        #expect(error.path == "api.hots")
        #expect((error.line, error.column) == (6, 3))
    }

    @Test func unknownKeyAtTheRootHasAPathOfJustTheKey() throws {
        let error = try unknownKey(Server.self, "host: a\ncolour: blue\n")
        #expect(error.path == "colour")
        #expect(error.message == "unknown key 'colour' (expected one of: host, port)")
    }

    @Test func allKeysAcceptsEveryKey() throws {
        struct Loose: Decodable {
            var count: Int
            init(from decoder: any Decoder) throws {
                count = try decoder.container(keyedBy: LooseKey.self).allKeys.count
            }
        }
        struct LooseKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        #expect(try YAMLDecoder().decode(Loose.self, from: "a: 1\nb: 2\nc: 3\n").count == 3)
    }

    @Test func containsMarksAKeyAsKnown() throws {
        struct Flag: Decodable {
            var present: Bool
            enum Keys: String, CodingKey { case legacy }
            init(from decoder: any Decoder) throws {
                present = try decoder.container(keyedBy: Keys.self).contains(.legacy)
            }
        }
        #expect(try YAMLDecoder().decode(Flag.self, from: "legacy: whatever\n").present)
        let error = try unknownKey(Flag.self, "legacy: 1\nother: 2\n")
        #expect(error.message == "unknown key 'other' (expected one of: legacy)")
    }

    @Test func superDecoderForAnAbsentKeyIsNull() throws {
        struct Child: Decodable {
            var parentName: String?
            enum Keys: String, CodingKey { case own }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                let parent = try container.superDecoder()
                parentName = try parent.singleValueContainer().decodeNil() ? nil : "set"
                _ = try container.decode(Int.self, forKey: .own)
            }
        }
        #expect(try YAMLDecoder().decode(Child.self, from: "own: 1\n").parentName == nil)
        #expect(try YAMLDecoder().decode(Child.self, from: "own: 1\nsuper: x\n").parentName == "set")
    }
}
