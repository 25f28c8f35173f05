/// The sections of `souk analyze`'s report, by their JSON key, in the report's order.
package enum ReportSection: String, CaseIterable, Sendable, Codable {
    case stats, categories, cities, payments, hours
    case basketByCity = "basket_by_city"
    case topCustomers = "top_customers"
    case topTransactions = "top_transactions"
    case deadLetters = "dead_letters"
    case scan

    /// The columns of `tables/transactions` the section decodes.
    package var columns: Set<String> {
        switch self {
        case .stats, .topCustomers: ["user_id", "amount", "quantity"]
        case .categories: ["category", "amount", "quantity"]
        case .cities, .basketByCity: ["city", "amount", "quantity"]
        case .payments: ["payment_method", "amount", "quantity"]
        case .hours: ["timestamp", "amount", "quantity"]
        case .topTransactions: Set(TransactionSchema.names)
        case .deadLetters, .scan: []
        }
    }

    /// The section's title in the terminal, Markdown and HTML formats.
    package var title: String {
        switch self {
        case .stats: "Totals"
        case .categories: "By category"
        case .cities: "By city"
        case .payments: "By payment method"
        case .hours: "By hour (UTC)"
        case .basketByCity: "Average basket by city"
        case .topCustomers: "Top customers by revenue"
        case .topTransactions: "Top transactions by amount"
        case .deadLetters: "Dead letters"
        case .scan: "What was read"
        }
    }
}
