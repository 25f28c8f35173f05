import Storage

/// A section of the report as rows of typed cells, which each text format renders its own way:
/// aligned for a terminal, as Markdown or HTML tables, or as CSV.
package struct ReportTable: Sendable {
    /// One value, typed so that each format can write it its own way.
    package enum Cell: Sendable, Equatable {
        case text(String)
        case integer(Int64)
        /// Euros.
        case money(Double)
        case number(Double, digits: Int)
        /// A fraction of a whole (0.25 is 25 %).
        case share(Double)
        /// µs since the epoch, UTC.
        case time(Int64)
        /// No value (a JSON null).
        case none

        /// Whether the cell is right-aligned.
        package var isNumeric: Bool {
            switch self {
            case .text, .time, .none: false
            case .integer, .money, .number, .share: true
            }
        }
    }

    /// A column: its key (the JSON key, the CSV header) and its title.
    package struct Column: Sendable {
        package var key: String
        package var title: String
    }

    package var section: ReportSection
    package var columns: [Column]
    package var rows: [[Cell]]
    /// One record shown as label–value lines (totals, dead letters, the scan) rather than a table.
    package var isRecord: Bool { section == .stats || section == .deadLetters || section == .scan }

    init(_ section: ReportSection, _ columns: [(String, String)], _ rows: [[Cell]]) {
        self.section = section
        self.columns = columns.map { Column(key: $0.0, title: $0.1) }
        self.rows = rows
    }
}

extension AnalyticsReport {
    /// The sections asked for, as tables.
    package var tables: [ReportTable] {
        sections.map(table(of:))
    }

    /// One section as a table.
    package func table(of section: ReportSection) -> ReportTable {
        switch section {
        case .stats:
            return ReportTable(
                section,
                [
                    ("revenue", "Revenue"), ("transactions", "Transactions"), ("unique_users", "Unique users"),
                    ("average_amount", "Average basket"), ("items", "Items sold"), ("watermark", "Watermark"),
                    ("as_of", "As of"),
                ],
                [
                    [
                        .money(stats.revenue), .integer(stats.transactions), .integer(Int64(stats.uniqueUsers)),
                        .money(stats.averageAmount), .integer(stats.items),
                        stats.watermarkMicros.map { .time($0) } ?? .none,
                        .time(stats.asOfMicros),
                    ]
                ])
        case .categories, .cities, .payments:
            let dimension: CommerceDimension =
                section == .categories ? .category : section == .cities ? .city : .paymentMethod
            let shares = section == .categories ? categories : section == .cities ? cities : payments
            let title = section == .categories ? "Category" : section == .cities ? "City" : "Payment method"
            return ReportTable(
                section,
                [
                    (dimension.name, title), ("revenue", "Revenue"), ("transactions", "Transactions"),
                    ("items", "Items"),
                    ("revenue_share", "Revenue share"), ("transaction_share", "Transaction share"),
                ],
                shares.map {
                    [
                        .text($0.value), .money($0.revenue), .integer($0.transactions), .integer($0.items),
                        .share($0.revenueShare), .share($0.transactionShare),
                    ]
                })
        case .hours:
            return ReportTable(
                section,
                [("hour", "Hour"), ("revenue", "Revenue"), ("transactions", "Transactions"), ("items", "Items")],
                hours.map {
                    [.time($0.startMicros), .money($0.revenue), .integer($0.transactions), .integer($0.items)]
                })
        case .basketByCity:
            return ReportTable(
                section,
                [
                    ("city", "City"), ("transactions", "Transactions"), ("average_amount", "Average basket"),
                    ("items_per_transaction", "Items per transaction"),
                ],
                basketByCity.map {
                    [
                        .text($0.city), .integer($0.transactions), .money($0.averageAmount),
                        .number($0.itemsPerTransaction, digits: 2),
                    ]
                })
        case .topCustomers:
            return ReportTable(
                section,
                [("user_id", "User"), ("revenue", "Revenue"), ("transactions", "Transactions"), ("items", "Items")],
                topCustomers.map {
                    [.text($0.userId), .money($0.revenue), .integer($0.transactions), .integer($0.items)]
                })
        case .topTransactions:
            return ReportTable(
                section,
                [
                    ("transaction_id", "Transaction"), ("user_id", "User"), ("city", "City"), ("category", "Category"),
                    ("amount", "Amount"), ("quantity", "Quantity"), ("payment_method", "Payment method"),
                    ("timestamp", "Time"),
                ],
                topTransactions.map(\.transaction).map {
                    [
                        .text($0.transactionID), .text($0.userID), .text($0.city), .text($0.category),
                        .money($0.amount),
                        .integer(Int64($0.quantity)), .text($0.paymentMethod), .time($0.timestampMicros),
                    ]
                })
        case .deadLetters:
            return ReportTable(
                section, [("late", "Late records"), ("malformed", "Malformed records")],
                [[.integer(deadLetters.late), .integer(deadLetters.malformed)]])
        case .scan:
            return ReportTable(
                section,
                [
                    ("from", "From"), ("to", "To"), ("files", "Files read"), ("files_total", "Files in the table"),
                    ("row_groups", "Row groups read"), ("row_groups_total", "Row groups in the files read"),
                    ("rows", "Rows decoded"), ("columns", "Columns decoded"), ("bytes", "Bytes decoded"),
                    ("seconds", "Seconds"),
                ],
                [
                    [
                        scan.fromMicros.map { .time($0) } ?? .none, scan.toMicros.map { .time($0) } ?? .none,
                        .integer(Int64(scan.files)), .integer(Int64(scan.filesTotal)), .integer(Int64(scan.rowGroups)),
                        .integer(Int64(scan.rowGroupsTotal)), .integer(scan.rows),
                        .text(scan.columns.joined(separator: " ")), .integer(scan.bytes),
                        .number(scan.seconds, digits: 3),
                    ]
                ])
        }
    }
}
