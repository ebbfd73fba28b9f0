import Foundation
import PapoCore
import PapoPlugins
import Testing

@Suite struct RealEstateTests {
    let host = PluginFixtures.host()

    func call(
        _ tool: String, _ arguments: JSONValue, config: JSONValue = [:], tenant: String = "tenant-a"
    )
        async -> ToolResult
    {
        await host.invoke(
            tool: tool, arguments: arguments, context: PluginFixtures.context(tenant: tenant, config: config))
    }

    @Test func theSampleHasAtLeastSixtyListings() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../plugins/real-estate/listings.json")
        let listings = try JSONValue(parsing: String(contentsOf: url, encoding: .utf8))
        #expect((listings.arrayValue?.count ?? 0) >= 60)
    }

    @Test func searchFiltersByCityTypePurposeBedroomsAndPrice() async {
        let result = await call(
            "search_properties",
            [
                "city": "rio de janeiro", "type": "apartamento", "purpose": "sale", "min_bedrooms": 3,
                "min_price": 700_000, "max_price": 1_200_000,
            ])
        #expect(result.content["total"] == 3)
        #expect(
            result.content["results"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == [
                "AP-1067", "AP-1039", "AP-1011",
            ])
        #expect(result.content["results"]?[0]?["price"]?.doubleValue == 734_000)
    }

    @Test func searchMatchesNeighbourhoodWithoutAccents() async {
        let result = await call("search_properties", ["neighbourhood": "tatuape", "purpose": "rent"])
        #expect(result.content["results"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["AP-1032"])
    }

    @Test func searchSortsAndPages() async {
        let page2 = await call(
            "search_properties",
            [
                "city": "São Paulo", "purpose": "sale", "sort": "price_desc", "page": 2, "page_size": 5,
            ])
        #expect(page2.content["total"] == 13)
        #expect(page2.content["pages"] == 3)
        #expect(
            page2.content["results"]?.arrayValue?.compactMap { $0["code"]?.stringValue }
                == ["CA-1033", "AP-1062", "AP-1005", "AP-1008", "AP-1003"])
        let page3 = await call(
            "search_properties",
            [
                "city": "São Paulo", "purpose": "sale", "sort": "price_desc", "page": 3, "page_size": 5,
            ])
        #expect(
            page3.content["results"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == [
                "ST-1006", "AP-1060", "ST-1036",
            ])
    }

    @Test func configDefaultsTheCityAndCapsThePage() async {
        let result = await call(
            "search_properties", ["purpose": "sale", "sort": "price_desc", "page_size": 10],
            config: ["default_city": "São Paulo", "max_results": 3])
        #expect(
            result.content["results"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == [
                "AP-1030", "SO-1004", "AP-1058",
            ])
    }

    @Test func detailsHideTheStreetNumberUnlessConfigured() async {
        let hidden = await call("property_details", ["code": "st-1002"])
        #expect(hidden.content["code"] == "ST-1002")
        #expect(hidden.content["address"] == "Rua Voluntários da Pátria")
        let shown = await call("property_details", ["code": "ST-1002"], config: ["show_exact_address": true])
        #expect(shown.content["address"] == "Rua Voluntários da Pátria, 1039")
        let missing = await call("property_details", ["code": "XX-9999"])
        #expect(missing.errorMessage == "não existe imóvel com o código XX-9999")
    }

    @Test func doubleBookingIsRefusedAndTenantsDoNotSeeEachOther() async throws {
        let storage = InMemoryPluginStorage()
        let host = PluginFixtures.host(storage: storage)
        let slot: JSONValue = ["code": "AP-1003", "date": "2025-03-17", "time": "10:00"]
        let first = await host.invoke(
            tool: "schedule_visit", arguments: slot, context: PluginFixtures.context(tenant: "tenant-a"))
        let code = try #require(first.content["confirmation_code"]?.stringValue)
        #expect(code.hasPrefix("VIS-") && code.count == 12)
        #expect(first.content["name"] == "Ana")

        let again = await host.invoke(
            tool: "schedule_visit", arguments: slot, context: PluginFixtures.context(tenant: "tenant-a"))
        #expect(again.failure == .toolError)
        #expect(
            again.errorMessage == "o horário 10:00 de 2025-03-17 já está reservado para AP-1003; ofereça outro horário")

        // Tenant B has its own calendar: the same slot is free there.
        let other = await host.invoke(
            tool: "schedule_visit", arguments: slot, context: PluginFixtures.context(tenant: "tenant-b"))
        #expect(other.isError == false)
        let stored = try await storage.keys(tenant: "tenant-a", plugin: "real-estate", prefix: "visit/")
        #expect(stored == ["visit/AP-1003/2025-03-17T10:00"])
        #expect(storage.count(tenant: "tenant-b") == 1)
    }

    @Test func visitsNeedNotice() async {
        // The context clock is 12:00 in São Paulo; 13:00 the same day is under the 2 h minimum.
        let soon = await call("schedule_visit", ["code": "AP-1003", "date": "2025-03-14", "time": "13:00"])
        #expect(soon.errorMessage == "a visita precisa ser marcada com pelo menos 2 horas de antecedência")
    }

    @Test func financingMatchesAHandCalculation() async {
        // Price 500 000, down 100 000 → 400 000 over 360 months at 12 % a year effective.
        // i = 1.12^(1/12) − 1 = 0.0094888 a month.
        // SAC: amortisation 400 000 / 360 = 1 111.11; first = 1 111.11 + 400 000 · i = 4 906.63;
        //      last = 1 111.11 · (1 + i) = 1 121.65; interest = i · 400 000 · 361 / 2 = 685 090.85.
        // PRICE: 400 000 · i / (1 − 1.12^−30) = 3 926.58 every month; interest = 360 · PMT − 400 000.
        let result = await call(
            "simulate_financing",
            [
                "price": 500_000, "down_payment": 100_000, "term_months": 360, "annual_interest_rate_percent": 12,
            ])
        #expect(result.content["financed_amount"]?.doubleValue == 400_000)
        #expect(result.content["monthly_interest_rate_percent"]?.doubleValue == 0.9489)
        let sac = result.content["plans"]?[0]
        #expect(sac?["system"] == "SAC")
        #expect(sac?["first_instalment"]?.doubleValue == 4906.63)
        #expect(sac?["last_instalment"]?.doubleValue == 1121.65)
        #expect(sac?["total_interest"]?.doubleValue == 685_090.85)
        let price = result.content["plans"]?[1]
        #expect(price?["system"] == "PRICE")
        #expect(price?["first_instalment"]?.doubleValue == 3926.58)
        #expect(price?["last_instalment"]?.doubleValue == 3926.58)
        #expect(price?["total_interest"]?.doubleValue == 1_013_568.15)
    }

    @Test func financingEnforcesTheMinimumDownPayment() async {
        let result = await call("simulate_financing", ["price": 500_000, "down_payment": 50_000, "term_months": 360])
        #expect(
            result.errorMessage == "a entrada deve ser de pelo menos 20% (R$ 100000.00) e menor que o valor do imóvel")
    }
}
