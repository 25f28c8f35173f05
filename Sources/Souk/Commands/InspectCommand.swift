import ArgumentParser
import Storage

/// `souk inspect`: a Parquet file's schema, row groups and column chunks, like parquet-tools.
/// It decodes every page to validate the file unless `--metadata-only` is given.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Show a Parquet file's schema, row groups and column chunks, and validate it."
    )

    @Flag(help: "Print one JSON object on stdout.") var json = false
    @Flag(help: "Read only the footer; do not decode the pages.") var metadataOnly = false
    @Flag(help: "Verify page CRCs where the writer recorded them.") var verifyChecksums = false
    @Argument(help: "The Parquet file.") var file: String

    func run() throws {
        var configuration = ParquetReaderConfiguration()
        configuration.verifyChecksums = verifyChecksums
        let inspection: ParquetInspection
        do {
            let reader = try ParquetFileReader(path: file, configuration: configuration)
            if !metadataOnly {
                for group in 0..<reader.rowGroupCount { _ = try reader.readRowGroup(group) }
            }
            inspection = ParquetInspection(metadata: reader.metadata)
        } catch {
            throw CommandFailure(command: "inspect", message: "\(file): \(error.description)")
        }
        print(json ? inspection.json() : inspection.text())
    }
}
