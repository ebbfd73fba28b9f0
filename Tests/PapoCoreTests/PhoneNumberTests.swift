import Foundation
import PapoCore
import Testing

struct PhoneNumberTests {
    @Test(arguments: [
        ("+55 (11) 99999-8888", "5511999998888"),
        ("5511999998888", "5511999998888"),
        ("+1 650-555-1234", "16505551234"),
        ("+1.650.555.1234", "16505551234"),
        ("  +44 20 7946 0958 ", "442079460958"),
        ("(351) 912 345 678", "351912345678"),
        ("+49 30 901820", "4930901820"),
        ("+123456789012345", "123456789012345"),
    ])
    func normalisesWhatPeopleType(input: String, digits: String) throws {
        let number = try PhoneNumber(input)
        #expect(number.digits == digits)
        #expect(number.e164 == "+" + digits)
        #expect(number.jid.description == digits + "@s.whatsapp.net")
    }

    @Test(arguments: [
        ("+55 11 9999x-8888", "must not contain letters"),
        ("call me", "must not contain letters"),
        ("", "must contain digits"),
        ("+ - ( )", "must contain digits"),
        ("1234567", "must have 8 to 15 digits including the country code (has 7)"),
        ("1234567890123456", "must have 8 to 15 digits including the country code (has 16)"),
        ("0055 11 99999 8888", "must start with the country code (no leading 0 or 00)"),
        ("55+11999998888", "'+' may only start the number"),
        ("++5511999998888", "'+' may only start the number"),
        ("5511#99999888", "may contain only digits, '+', spaces, '-', '.', '(' and ')'"),
    ])
    func rejectsNonNumbers(input: String, message: String) {
        #expect(throws: FieldError("to", message)) { try PhoneNumber(input) }
    }

    @Test func errorsNameTheCallersField() {
        #expect(throws: FieldError("number", "must not contain letters")) { try PhoneNumber("abc", field: "number") }
    }

    @Test func codableRoundTripUsesDigitsAndValidates() throws {
        let encoded = try JSONEncoder().encode(PhoneNumber("+55 11 99999-8888"))
        #expect(String(decoding: encoded, as: UTF8.self) == "\"5511999998888\"")
        #expect(try JSONDecoder().decode(PhoneNumber.self, from: encoded).digits == "5511999998888")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PhoneNumber.self, from: Data("\"abc\"".utf8)) }
    }

    @Test func parsesUserJIDWithDevice() throws {
        let jid = try #require(WhatsAppJID("5511999998888:12@s.whatsapp.net"))
        #expect(jid.user == "5511999998888")
        #expect(jid.device == 12)
        #expect(jid.server == .user)
        #expect(jid.isPhoneNumber)
        #expect(jid.phoneNumber?.digits == "5511999998888")
        #expect(jid.withoutDevice.description == "5511999998888@s.whatsapp.net")
        #expect(jid.description == "5511999998888:12@s.whatsapp.net")
    }

    @Test func recognisesLinkedIDsGroupsAndLegacyServers() throws {
        let lid = try #require(WhatsAppJID("123456789012345@lid"))
        #expect(lid.isLinkedID)
        #expect(lid.phoneNumber == nil)
        let group = try #require(WhatsAppJID("120363043968042@g.us"))
        #expect(group.isGroup)
        #expect(group.phoneNumber == nil)
        let legacy = try #require(WhatsAppJID("16505551234@c.us"))
        #expect(legacy.phoneNumber?.digits == "16505551234")
        #expect(WhatsAppJID("status@broadcast")?.server == .broadcast)
        #expect(WhatsAppJID("no-at-sign") == nil)
        #expect(WhatsAppJID("@s.whatsapp.net") == nil)
    }
}
