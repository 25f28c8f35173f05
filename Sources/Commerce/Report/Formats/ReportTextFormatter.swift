/// The terminal report: a heading, each section as an aligned table (numbers right-aligned, with
/// thousands separators and € for money; a one-record section as label–value lines), and a footer
/// with what was read.
struct ReportTextFormatter {
    var report: AnalyticsReport
    var dataDirectory: String

    func render() -> String {
        var out = "Souk report: \(ReportFormat.coverage(report.scan)) in \(ReportNumberText.readable(dataDirectory))\n"
        for table in report.tables where table.section != .scan {
            out += "\n\(table.section.title)\n"
            out += table.isRecord ? record(table) : grid(table)
        }
        if report.sections.contains(.scan) { out += "\n" + ReportFormat.footer(report.scan) + "\n" }
        return out
    }

    private func record(_ table: ReportTable) -> String {
        guard let row = table.rows.first else { return "" }
        let labels = table.columns.map(\.title)
        let values = row.map(ReportNumberText.display)
        let labelWidth = labels.map(\.count).max() ?? 0
        let valueWidth = values.map(\.count).max() ?? 0
        return zip(labels, values).map { label, value in
            "  " + pad(label, labelWidth, right: false) + "  " + pad(value, valueWidth, right: true) + "\n"
        }.joined()
    }

    private func grid(_ table: ReportTable) -> String {
        guard !table.rows.isEmpty else { return "  (none)\n" }
        let cells = table.rows.map { $0.map(ReportNumberText.display) }
        let numeric = table.columns.indices.map { column in table.rows.allSatisfy { $0[column].isNumeric } }
        let widths = table.columns.indices.map { column in
            max(table.columns[column].title.count, cells.map { $0[column].count }.max() ?? 0)
        }
        func line(_ values: [String]) -> String {
            "  "
                + values.indices.map { pad(values[$0], widths[$0], right: numeric[$0]) }.joined(separator: "  ")
                .trimmingTrailingSpaces + "\n"
        }
        return line(table.columns.map(\.title)) + cells.map(line).joined()
    }

    private func pad(_ text: String, _ width: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return right ? fill + text : text + fill
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = Substring(self)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
