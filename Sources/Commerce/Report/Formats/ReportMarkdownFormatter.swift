/// The report as Markdown: a heading per section, GitHub-style tables (numbers right-aligned), and
/// the footer in italics. Text from events is escaped, so it renders as the characters it holds.
struct ReportMarkdownFormatter {
    var report: AnalyticsReport
    var dataDirectory: String

    func render() -> String {
        var out =
            "# Souk report\n\n\(Self.escape(ReportFormat.coverage(report.scan))) in `\(dataDirectory.filter { $0 != "`" })`\n"
        for table in report.tables where table.section != .scan {
            out += "\n## \(table.section.title)\n\n"
            if table.isRecord, let row = table.rows.first {
                out += "| Measure | Value |\n|---|---:|\n"
                for (column, cell) in zip(table.columns, row) {
                    out += "| \(column.title) | \(Self.escape(ReportNumberText.display(cell))) |\n"
                }
            } else if table.rows.isEmpty {
                out += "(none)\n"
            } else {
                let numeric = table.columns.indices.map { column in table.rows.allSatisfy { $0[column].isNumeric } }
                out += "| " + table.columns.map(\.title).joined(separator: " | ") + " |\n"
                out += "|" + numeric.map { $0 ? "---:|" : "---|" }.joined() + "\n"
                for row in table.rows {
                    out +=
                        "| " + row.map { Self.escape(ReportNumberText.display($0)) }.joined(separator: " | ") + " |\n"
                }
            }
        }
        if report.sections.contains(.scan) { out += "\n_\(ReportFormat.footer(report.scan))_\n" }
        return out
    }

    /// Markdown's punctuation backslash-escaped and `<`, `>`, `&` as entities: a value never becomes a
    /// link, an emphasis, a table cell border or HTML.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\\", "`", "*", "_", "{", "}", "[", "]", "(", ")", "#", "+", "-", ".", "!", "|", "~":
                out += "\\" + String(character)
            default: out.append(character)
            }
        }
        return out
    }
}
