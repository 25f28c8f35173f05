import Storage

/// How `souk analyze` writes its report.
package enum ReportFormat: String, CaseIterable, Sendable {
    /// Aligned terminal tables, a footer with what was read.
    case table
    /// One JSON document keyed by section.
    case json
    /// Each section asked for as CSV (a header row, then the rows), sections separated by a blank line.
    case csv
    case markdown
    /// One self-contained HTML file with inline SVG charts, no scripts.
    case html

    /// The report in this format, ending with a newline.
    package func render(_ report: AnalyticsReport, dataDirectory: String) -> String {
        switch self {
        case .table: ReportTextFormatter(report: report, dataDirectory: dataDirectory).render()
        case .json: ((try? OrderedJSONEncoder().encode(report)) ?? #"{"error":"cannot encode the report"}"#) + "\n"
        case .csv: report.tables.map(ReportCSVFormatter.render).joined(separator: "\n")
        case .markdown: ReportMarkdownFormatter(report: report, dataDirectory: dataDirectory).render()
        case .html: ReportHTMLFormatter(report: report, dataDirectory: dataDirectory).render()
        }
    }

    /// What the report covers, in words: `all committed transactions` or `from … to …`.
    static func coverage(_ scan: AnalyticsReport.Scan) -> String {
        switch (scan.fromMicros, scan.toMicros) {
        case (nil, nil): "all committed transactions"
        case (let from?, nil): "transactions from \(ReportNumberText.time(from)) UTC"
        case (nil, let to?): "transactions before \(ReportNumberText.time(to)) UTC"
        case (let from?, let to?):
            "transactions from \(ReportNumberText.time(from)) to \(ReportNumberText.time(to)) UTC"
        }
    }

    /// The footer: what the scan read.
    static func footer(_ scan: AnalyticsReport.Scan) -> String {
        "Read \(ReportNumberText.grouped(Int64(scan.files))) of \(ReportNumberText.grouped(Int64(scan.filesTotal))) "
            + "files, \(ReportNumberText.grouped(Int64(scan.rowGroups))) of "
            + "\(ReportNumberText.grouped(Int64(scan.rowGroupsTotal))) row groups, "
            + "\(ReportNumberText.grouped(scan.rows)) rows, \(bytes(scan.bytes)) of \(scan.columns.count) columns "
            + "in \(ReportNumberText.decimal(scan.seconds, digits: 3)) s."
    }

    /// `1536` → `1.5 KiB`.
    static func bytes(_ count: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) bytes" : ReportNumberText.decimal(value, digits: 1) + " " + units[unit]
    }
}

/// CSV (RFC 4180): a header row of the JSON keys, values at full precision, times in ISO-8601 UTC.
enum ReportCSVFormatter {
    static func render(_ table: ReportTable) -> String {
        var lines = [table.columns.map { field($0.key) }.joined(separator: ",")]
        for row in table.rows { lines.append(row.map { field(ReportNumberText.plain($0)) }.joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
