import Foundation
import PapoYAML
import Testing

private struct Manifest: Decodable, Equatable {
    enum Mode: String, Decodable { case strict, lenient }

    struct Server: Decodable, Equatable {
        var host: String
        var port: Int
        var tls: Bool?
    }

    struct Capability: Decodable, Equatable {
        var id: String
        var weight: Double
        var tags: [String]
    }

    var name: String
    var version: String
    var mode: Mode
    var server: Server
    var description: String?
    var capabilities: [Capability]
    var limits: [String: Int]
}

private struct Stamp: Decodable { var at: Date }

/// Seconds since 1970 of the date written as the value of `at`.
private func seconds(_ text: String) throws -> Double {
    try YAMLDecoder().decode(Stamp.self, from: "at: \(text)").at.timeIntervalSince1970
}

@Suite struct YAMLDecoderTests {
    @Test func decodesNestedStructsArraysEnumsAndDictionaries() throws {
        let yaml = """
            name: papo
            version: 1.10
            mode: lenient
            server:
              host: 0.0.0.0
              port: 8080
            capabilities:
              - id: http
                weight: 1
                tags: [web, "api"]
              - id: db
                weight: 0.25
                tags: []
            limits:
              connections: 100
              requests: 0x10
            """
        let manifest = try YAMLDecoder().decode(Manifest.self, from: yaml)
        #expect(
            manifest
                == Manifest(
                    name: "papo",
                    version: "1.10",  // type-driven: the float-looking literal stays text for a String
                    mode: .lenient,
                    server: .init(host: "0.0.0.0", port: 8080, tls: nil),
                    description: nil,
                    capabilities: [
                        .init(id: "http", weight: 1.0, tags: ["web", "api"]),
                        .init(id: "db", weight: 0.25, tags: []),
                    ],
                    limits: ["connections": 100, "requests": 16]
                ))
    }

    @Test func dictionariesWithIntegerAndEnumKeys() throws {
        enum Tier: String, Decodable, CodingKeyRepresentable { case gold, silver }
        let byNumber = try YAMLDecoder().decode([Int: String].self, from: "80: http\n443: https\n")
        #expect(byNumber == [80: "http", 443: "https"])
        let byTier = try YAMLDecoder().decode([Tier: [Int]].self, from: "gold: [1]\nsilver: [2, 3]\n")
        #expect(byTier == [.gold: [1], .silver: [2, 3]])
    }

    @Test func optionalsDistinguishNullAbsentAndPresent() throws {
        struct Options: Decodable, Equatable {
            var a: Int?
            var b: String?
            var c: String?
            var d: [Int?]
        }
        let options = try YAMLDecoder().decode(Options.self, from: "a: ~\nb:\nc: ''\nd: [1, null, 3]\n")
        #expect(options == Options(a: nil, b: nil, c: "", d: [1, nil, 3]))
    }

    @Test func decodesFromDataAndEveryIntegerWidth() throws {
        struct Widths: Decodable, Equatable {
            var i8: Int8, i16: Int16, i32: Int32, i64: Int64
            var u8: UInt8, u16: UInt16, u32: UInt32, u64: UInt64, u: UInt
            var f: Float
        }
        let yaml = """
            i8: -128
            i16: 32_767
            i32: -0x7fffffff
            i64: -9223372036854775808
            u8: 255
            u16: 0o177777
            u32: 4294967295
            u64: 18446744073709551615
            u: 1e3
            f: 0.5
            """
        let widths = try YAMLDecoder().decode(Widths.self, from: Data(yaml.utf8))
        #expect(
            widths
                == Widths(
                    i8: -128, i16: 32767, i32: -2_147_483_647, i64: .min,
                    u8: 255, u16: 65535, u32: .max, u64: .max, u: 1000, f: 0.5))
    }

    @Test func decodesFoundationTypes() throws {
        struct Foundationy: Decodable {
            var created: Date
            var day: Date
            var precise: Date
            var homepage: URL
            var blob: Data
            var price: Decimal
        }
        let yaml = """
            created: 2024-05-01T12:30:00+02:00
            day: 2024-05-01
            precise: 2024-05-01T10:30:00.250Z
            homepage: https://papo.example/docs?x=1
            blob: |
              aGVsbG8g
              d29ybGQ=
            price: 19.99
            """
        let value = try YAMLDecoder().decode(Foundationy.self, from: yaml)
        #expect(value.created.timeIntervalSince1970 == 1_714_559_400)
        #expect(value.day.timeIntervalSince1970 == 1_714_521_600)
        #expect(value.precise.timeIntervalSince1970 == 1_714_559_400.25)
        #expect(value.homepage.host == "papo.example")
        #expect(value.homepage.query == "x=1")
        #expect(String(decoding: value.blob, as: UTF8.self) == "hello world")
        #expect(value.price == Decimal(string: "19.99", locale: Locale(identifier: "en_US_POSIX")))
    }

    @Test func datesAreParsedStrictly() throws {
        #expect(try seconds("2001-12-14 21:59:43.10 -5") == 1_008_385_183.1)
        #expect(try seconds("2024-01-01 10:00:00") == 1_704_103_200)
        #expect(try seconds("2024-01-01T10:00Z") == 1_704_103_200)
        #expect(try seconds("\"2024-02-29T23:59:59+01:30\"") == 1_709_245_799)
        for bad in ["2024-01-01T00:00:00Zjunk", "2024-02-30", "20240101", "yesterday"] {
            let error = try #require(throws: YAMLError.self) { try seconds(bad) }
            #expect(error.kind == .dataCorrupted)
            #expect((error.line, error.column, error.path) == (1, 5, "at"))
        }
    }

    @Test func userInfoReachesInitFromDecoder() throws {
        struct Scaled: Decodable {
            var value: Int
            init(from decoder: any Decoder) throws {
                let factor = decoder.userInfo[CodingUserInfoKey(rawValue: "factor")!] as? Int ?? 1
                value = try decoder.singleValueContainer().decode(Int.self) * factor
            }
        }
        let decoder = YAMLDecoder(userInfo: [CodingUserInfoKey(rawValue: "factor")!: 10])
        #expect(try decoder.decode([Scaled].self, from: "[1, 2, 3]").map(\.value) == [10, 20, 30])
    }

    @Test func manualContainersReportCodingPathsAndKeys() throws {
        struct Probe: Decodable {
            var keys: [String]
            var paths: [String]
            var inner: Int
            var second: String
            var hasMissing: Bool

            enum Keys: String, CodingKey { case outer, list, inner, missing }
            init(from decoder: any Decoder) throws {
                let root = try decoder.container(keyedBy: Keys.self)
                keys = root.allKeys.map(\.stringValue)
                hasMissing = root.contains(.missing)
                let outer = try root.nestedContainer(keyedBy: Keys.self, forKey: .outer)
                inner = try outer.decode(Int.self, forKey: .inner)
                var list = try root.nestedUnkeyedContainer(forKey: .list)
                #expect(list.count == 2)
                _ = try list.decode(String.self)
                let itemDecoder = try list.superDecoder()
                second = try itemDecoder.singleValueContainer().decode(String.self)
                #expect(list.isAtEnd)
                paths = [outer.codingPath, itemDecoder.codingPath].map { path in
                    path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined()
                }
            }
        }
        let probe = try YAMLDecoder().decode(Probe.self, from: "outer: {inner: 7}\nlist: [a, b]\n")
        #expect(probe.keys == ["outer", "list"])
        #expect(probe.paths == ["outer", "list[1]"])
        #expect(probe.inner == 7)
        #expect(probe.second == "b")
        #expect(probe.hasMissing == false)
    }

    @Test func superDecoderReadsTheSuperKeyForClassHierarchies() throws {
        class Base: Decodable {
            let id: String
        }
        final class Derived: Base {
            let extra: Int
            enum Keys: String, CodingKey { case extra }
            required init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: Keys.self)
                extra = try container.decode(Int.self, forKey: .extra)
                try super.init(from: container.superDecoder())
            }
        }
        let value = try YAMLDecoder().decode(Derived.self, from: "extra: 3\nsuper:\n  id: base-1\n")
        #expect(value.id == "base-1")
        #expect(value.extra == 3)
    }

    @Test func decodeAllReturnsOneValuePerDocument() throws {
        struct Doc: Decodable, Equatable { var kind: String }
        let docs = try YAMLDecoder().decodeAll(Doc.self, from: "kind: a\n---\nkind: b\n...\n---\nkind: c\n")
        #expect(docs.map(\.kind) == ["a", "b", "c"])
    }

    @Test func unknownKeysCanBeAllowed() throws {
        struct Small: Decodable { var a: Int }
        let yaml = "a: 1\nb: 2\n"
        #expect(throws: YAMLError.self) { try YAMLDecoder().decode(Small.self, from: yaml) }
        #expect(try YAMLDecoder(rejectUnknownKeys: false).decode(Small.self, from: yaml).a == 1)
    }
}
