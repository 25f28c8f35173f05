/// The report as one self-contained HTML file, readable offline: inline CSS (light and dark, after the
/// system), an SVG bar chart of revenue per category, city, payment method and hour, and every
/// section as a table. No scripts; every value is escaped text.
struct ReportHTMLFormatter {
    var report: AnalyticsReport
    var dataDirectory: String

    func render() -> String {
        var body =
            "<h1>Souk report</h1>\n<p>\(Self.escape(ReportFormat.coverage(report.scan))) in <code>"
            + "\(Self.escape(dataDirectory))</code></p>\n"
        for table in report.tables where table.section != .scan {
            body += "<section>\n<h2>\(Self.escape(table.section.title))</h2>\n"
            if let chart = chart(table) { body += chart }
            body += html(table) + "</section>\n"
        }
        if report.sections.contains(.scan) {
            body += "<footer>\(Self.escape(ReportFormat.footer(report.scan)))</footer>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Souk report</title>
            <style>
            :root { color-scheme: light dark; --fg: #1d2430; --bg: #ffffff; --muted: #5b6678; --bar: #2f7dd1; --line: #d9dee7; }
            @media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --bg: #151a22; --muted: #9aa4b5; --bar: #5fa3ec; --line: #2c3442; } }
            body { font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
            table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
            th, td { padding: .25rem .75rem; border-bottom: 1px solid var(--line); text-align: left; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            svg { display: block; max-width: 100%; height: auto; }
            svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
            svg rect { fill: var(--bar); }
            footer, p { color: var(--muted); }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    private func html(_ table: ReportTable) -> String {
        if table.isRecord, let row = table.rows.first {
            return "<table>\n"
                + zip(table.columns, row).map { column, cell in
                    "<tr><th>\(Self.escape(column.title))</th><td class=\"n\">"
                        + "\(Self.escape(ReportNumberText.display(cell)))</td></tr>\n"
                }.joined() + "</table>\n"
        }
        guard !table.rows.isEmpty else { return "<p>(none)</p>\n" }
        let numeric = table.columns.indices.map { column in table.rows.allSatisfy { $0[column].isNumeric } }
        var out = "<table>\n<tr>"
        for (index, column) in table.columns.enumerated() {
            out += "<th\(numeric[index] ? " class=\"n\"" : "")>\(Self.escape(column.title))</th>"
        }
        out += "</tr>\n"
        for row in table.rows {
            out += "<tr>"
            for (index, cell) in row.enumerated() {
                out += "<td\(numeric[index] ? " class=\"n\"" : "")>\(Self.escape(ReportNumberText.display(cell)))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</table>\n"
    }

    /// Horizontal bars of revenue for the dimension and hour sections.
    private func chart(_ table: ReportTable) -> String? {
        let bars: [(String, Double)]
        switch table.section {
        case .categories: bars = report.categories.map { ($0.value, $0.revenue) }
        case .cities: bars = report.cities.map { ($0.value, $0.revenue) }
        case .payments: bars = report.payments.map { ($0.value, $0.revenue) }
        case .hours: bars = report.hours.map { (ReportNumberText.time($0.startMicros), $0.revenue) }
        default: return nil
        }
        guard !bars.isEmpty, let largest = bars.map(\.1).max(), largest > 0 else { return nil }
        let shown = bars.prefix(48)
        let rowHeight = 22
        let labelWidth = 170
        let plotWidth = 420
        let height = shown.count * rowHeight + 4
        var svg =
            "<svg role=\"img\" aria-label=\"Revenue, \(Self.escape(table.section.title.lowercased()))\" "
            + "viewBox=\"0 0 \(labelWidth + plotWidth + 120) \(height)\" width=\"\(labelWidth + plotWidth + 120)\">\n"
        for (index, (label, value)) in shown.enumerated() {
            let y = index * rowHeight + 2
            let width = max(1, Int((Double(plotWidth) * max(0, value) / largest).rounded()))
            let clipped = label.count > 26 ? String(label.prefix(25)) + "…" : label
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(Self.escape(clipped))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"\(rowHeight - 6)\"></rect>"
            svg +=
                "<text x=\"\(labelWidth + width + 6)\" y=\"\(y + 15)\">\(Self.escape(ReportNumberText.money(value)))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Text as HTML character data or an attribute value.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in ReportNumberText.readable(text) {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
