import Foundation
import PapoYAML
import Testing

@Suite struct YAMLParserTests {
    @Test func nodesCarryStylesTagsAndOneBasedMarks() throws {
        let root = try YAMLParser.parse(
            """
            plain: value
            list:
              - 'single'
              - !!str 12
            """)
        let pairs = try #require(root.pairs)
        #expect(pairs.map { $0.key.scalar } == ["plain", "list"])
        #expect(root.mark == YAMLMark(line: 1, column: 1))
        #expect(pairs[0].value.mark == YAMLMark(line: 1, column: 8))
        #expect(pairs[0].value.style == .plain)
        let items = try #require(root["list"]?.items)
        #expect(root["list"]?.mark == YAMLMark(line: 3, column: 3))
        #expect(items[0].scalar == "single")
        #expect(items[0].style == .singleQuoted)
        #expect(items[0].mark == YAMLMark(line: 3, column: 5))
        #expect(items[1].tag == "tag:yaml.org,2002:str")
        #expect(items[1].shortTag == "!!str")
    }

    @Test func emptyInputIsANullDocument() throws {
        let root = try YAMLParser.parse("")
        #expect(root.isNull)
        #expect(root.scalar == "")
        #expect(try YAMLParser.parseAll("").isEmpty)
        #expect(try YAMLParser.parse("# only a comment\n").isNull)
    }

    @Test func multipleDocuments() throws {
        let text = "a: 1\n---\n- x\n- y\n---\nplain text\n"
        let documents = try YAMLParser.parseAll(text)
        #expect(documents.count == 3)
        #expect(documents[0]["a"]?.scalar == "1")
        #expect(documents[1].items?.compactMap(\.scalar) == ["x", "y"])
        #expect(documents[2].scalar == "plain text")
        let error = try #require(throws: YAMLError.self) { try YAMLParser.parse(text, file: "multi.yaml") }
        #expect(error.kind == .syntax)
        #expect(error.line == 2)
        #expect(error.message == "expected a single document but found 3")
    }

    @Test func anchorsAndAliasesShareTheAnchoredNode() throws {
        let root = try YAMLParser.parse(
            """
            base: &shared
              retries: 3
            copy: *shared
            list: [&n 5, *n, *n]
            """)
        let base = try #require(root["base"])
        #expect(base.anchor == "shared")
        #expect(root["copy"] === base)
        #expect(root["list"]?.items?.compactMap(\.scalar) == ["5", "5", "5"])

        struct Doc: Decodable {
            var base: [String: Int]
            var copy: [String: Int]
            var list: [Int]
        }
        let doc = try YAMLDecoder().decode(
            Doc.self,
            from: """
                base: &shared {retries: 3}
                copy: *shared
                list: [&n 5, *n]
                """)
        #expect(doc.copy == ["retries": 3])
        #expect(doc.list == [5, 5])
    }

    @Test func mergeKeyWithSingleMapping() throws {
        struct Service: Decodable, Equatable {
            var image: String
            var replicas: Int
            var debug: Bool
        }
        struct Doc: Decodable {
            var defaults: Service
            var api: Service
        }
        let doc = try YAMLDecoder().decode(
            Doc.self,
            from: """
                defaults: &defaults
                  image: papo:1
                  replicas: 2
                  debug: false
                api:
                  <<: *defaults
                  replicas: 5
                """)
        #expect(doc.api == Service(image: "papo:1", replicas: 5, debug: false))
        #expect(doc.defaults.replicas == 2)
    }

    @Test func mergeKeyWithListGivesEarlierSourcesPrecedence() throws {
        let root = try YAMLParser.parse(
            """
            a: &a {x: 1, y: 1}
            b: &b {y: 2, z: 2}
            c:
              w: 0
              <<: [*a, *b]
              z: 9
            """)
        let merged = try #require(root["c"]?.pairs)
        #expect(merged.map { $0.key.scalar } == ["w", "x", "y", "z"])
        #expect(merged.map { $0.value.scalar } == ["0", "1", "1", "9"])
        #expect(try YAMLValue(node: root)["c"] == ["w": 0, "x": 1, "y": 1, "z": 9])
    }

    @Test func mergeOfAScalarIsRejected() throws {
        let error = try #require(throws: YAMLError.self) {
            try YAMLParser.parse("base: &b 1\nitem:\n  <<: *b\n")
        }
        #expect(error.kind == .typeMismatch)
        #expect(error.path == "item")
        #expect(error.message.contains("merge key"))
    }

    @Test func quotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try YAMLParser.parse("\"<<\": literal\n")
        #expect(root["<<"]?.scalar == "literal")
    }

    @Test func literalBlockScalars() throws {
        let root = try YAMLParser.parse(
            """
            clip: |
              line one
                indented
              line three

            strip: |-
              no newline at end

            keep: |+
              kept


            last: x
            """)
        #expect(root["clip"]?.scalar == "line one\n  indented\nline three\n")
        #expect(root["clip"]?.style == .literal)
        #expect(root["strip"]?.scalar == "no newline at end")
        #expect(root["keep"]?.scalar == "kept\n\n\n")
    }

    @Test func foldedBlockScalars() throws {
        let root = try YAMLParser.parse(
            """
            folded: >
              one
              two

              three
            stripped: >-
              a
              b
            more: >
              para
                kept as is
              end
            tail: 1
            """)
        #expect(root["folded"]?.scalar == "one two\nthree\n")
        #expect(root["folded"]?.style == .folded)
        #expect(root["stripped"]?.scalar == "a b")
        #expect(root["more"]?.scalar == "para\n  kept as is\nend\n")
    }

    @Test func flowCollectionsAndMultilineQuotedScalars() throws {
        let root = try YAMLParser.parse(
            """
            flow: {a: [1, 2], b: {c: d}}
            quoted: "first
              second"
            """)
        #expect(root["flow"]?["a"]?.items?.count == 2)
        #expect(root["flow"]?["b"]?["c"]?.scalar == "d")
        #expect(root["quoted"]?.scalar == "first second")
        #expect(root["quoted"]?.style == .doubleQuoted)
    }
}
