import Foundation
import PapoYAML
import Testing

private struct Box<T: Decodable>: Decodable { var v: T }

/// Decodes a single scalar of type `T` from `text` written as the value of a key.
private func scalar<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try YAMLDecoder().decode(Box<T>.self, from: "v: \(text)\n").v
}

@Suite struct ScalarResolutionTests {
    @Test(arguments: ["~", "null", "Null", "NULL", "", "!!null whatever"])
    func nullForms(text: String) throws {
        #expect(try scalar(Int?.self, text) == nil)
        #expect(try scalar(YAMLValue.self, text) == .null)
    }

    @Test func quotedOrTaggedNullLookalikesAreStrings() throws {
        #expect(try scalar(String?.self, "'null'") == "null")
        #expect(try scalar(String?.self, "\"~\"") == "~")
        #expect(try scalar(String?.self, "!!str null") == "null")
    }

    @Test func coreBooleans() throws {
        for text in ["true", "True", "TRUE"] { #expect(try scalar(Bool.self, text) == true) }
        for text in ["false", "False", "FALSE"] { #expect(try scalar(Bool.self, text) == false) }
        #expect(try scalar(YAMLValue.self, "True") == .bool(true))
    }

    @Test func legacyBooleansAreTypeDriven() throws {
        #expect(try scalar(Bool.self, "yes") == true)
        #expect(try scalar(Bool.self, "On") == true)
        #expect(try scalar(Bool.self, "no") == false)
        #expect(try scalar(Bool.self, "OFF") == false)
        #expect(try scalar(String.self, "no") == "no")
        #expect(try scalar(String.self, "on") == "on")
        #expect(try scalar(YAMLValue.self, "no") == .string("no"))
        #expect(try scalar(String.self, "true") == "true")
    }

    @Test func quotedBooleanIsNotABool() throws {
        let error = try #require(throws: YAMLError.self) { try scalar(Bool.self, "\"true\"") }
        #expect(error.kind == .typeMismatch)
        #expect(error.message.contains("quoted"))
    }

    @Test(arguments: [
        ("0", 0), ("-17", -17), ("+42", 42), ("1_000_000", 1_000_000),
        ("0x1F", 31), ("0xff_ff", 65535), ("0o17", 15), ("-0x10", -16), ("1e3", 1000),
    ])
    func integers(text: String, expected: Int) throws {
        #expect(try scalar(Int.self, text) == expected)
    }

    @Test func integerYAMLValues() throws {
        #expect(try scalar(YAMLValue.self, "0x1F") == .int(31))
        #expect(try scalar(YAMLValue.self, "-1_000") == .int(-1000))
        #expect(try scalar(YAMLValue.self, "0o777") == .int(511))
        #expect(try scalar(YAMLValue.self, "12abc") == .string("12abc"))
        #expect(try scalar(YAMLValue.self, "_12") == .string("_12"))
    }

    @Test(arguments: [
        ("1.5", 1.5), ("-2.25", -2.25), ("1e3", 1000), ("2.5E-1", 0.25), (".5", 0.5),
        ("+12", 12), ("0x10", 16), ("1_000.5", 1000.5), (".inf", .infinity), ("-.Inf", -.infinity),
    ])
    func floats(text: String, expected: Double) throws {
        #expect(try scalar(Double.self, text) == expected)
    }

    @Test func notANumber() throws {
        #expect(try scalar(Double.self, ".nan").isNaN)
        #expect(try scalar(Double.self, ".NaN").isNaN)
        let value = try scalar(YAMLValue.self, ".NAN")
        #expect(value.doubleValue?.isNaN == true)
        #expect(try scalar(YAMLValue.self, "1.5") == .double(1.5))
        #expect(try scalar(YAMLValue.self, "1e3") == .double(1000))
        #expect(try scalar(YAMLValue.self, "nan") == .string("nan"))
    }

    @Test func stringsKeepTheirLiteralText() throws {
        #expect(try scalar(String.self, "8080") == "8080")
        #expect(try scalar(String.self, "1.0") == "1.0")
        #expect(try scalar(String.self, "0x1F") == "0x1F")
        #expect(try scalar(String.self, "'it''s'") == "it's")
        #expect(try scalar(String.self, "\"tab\\there\\u00e9\"") == "tab\there\u{e9}")
    }

    @Test func explicitTagsOverrideResolution() throws {
        #expect(try scalar(YAMLValue.self, "!!str 123") == .string("123"))
        #expect(try scalar(YAMLValue.self, "!!str true") == .string("true"))
        #expect(try scalar(Int.self, "!!int \"42\"") == 42)
        #expect(try scalar(YAMLValue.self, "!!int '42'") == .int(42))
        #expect(try scalar(YAMLValue.self, "!!float 3") == .double(3))
        #expect(try scalar(Double.self, "!!float '2.5'") == 2.5)
        #expect(try scalar(Bool.self, "!!bool 'yes'") == true)
        #expect(try scalar(YAMLValue.self, "!!null ''") == .null)
        let error = try #require(throws: YAMLError.self) { try scalar(Int.self, "!!str 12") }
        #expect(error.kind == .typeMismatch)
    }

    @Test func overflowIntoInt8IsAnError() throws {
        #expect(try scalar(Int8.self, "127") == 127)
        #expect(try scalar(Int8.self, "-128") == -128)
        let error = try #require(throws: YAMLError.self) { try scalar(Int8.self, "128") }
        #expect(error.kind == .valueOutOfRange)
        #expect(error.line == 1)
        #expect(error.column == 4)
        #expect(error.path == "v")
        #expect(error.message == "128 is out of range for Int8 (-128...127)")
        let negative = try #require(throws: YAMLError.self) { try scalar(UInt8.self, "-1") }
        #expect(negative.kind == .valueOutOfRange)
        let huge = try #require(throws: YAMLError.self) { try scalar(UInt64.self, "18446744073709551616") }
        #expect(huge.kind == .valueOutOfRange)
    }

    @Test func fractionIntoIntegerIsAMismatch() throws {
        let error = try #require(throws: YAMLError.self) { try scalar(Int.self, "2.5") }
        #expect(error.kind == .typeMismatch)
        #expect(error.message.contains("fractional"))
    }
}
