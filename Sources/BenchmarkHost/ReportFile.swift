import JSONValue
package import PreflightLoad

/// A run's report on disk: a run.json, or a directory `run --out` wrote.
package enum ReportFile {
    /// The path of the run.json that `path` names.
    package static func runJSONPath(_ path: String) -> String {
        Files.isDirectory(path) ? path + "/run.json" : path
    }

    /// Reads and decodes the report at `path`, naming the file in errors.
    package static func load(_ path: String) throws(HostError) -> LoadReport {
        let file = runJSONPath(path)
        return try decode(try Files.read(file, what: "report"), from: file)
    }

    /// Decodes a report's JSON text; `source` names where it came from in errors.
    package static func decode(_ bytes: [UInt8], from source: String) throws(HostError) -> LoadReport {
        do {
            return try LoadReport(json: try JSONValue.parse(bytes))
        } catch let error as JSONSyntaxError {
            throw HostError("\(source): \(error)")
        } catch {
            throw HostError("\(source): not a run report (written by `run --out` or `run --format json`):\n\(error)")
        }
    }
}
