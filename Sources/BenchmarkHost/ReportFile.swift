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
        let bytes = try Files.read(file, what: "report")
        do {
            return try LoadReport(json: try JSONValue.parse(bytes))
        } catch let error as JSONSyntaxError {
            throw HostError("\(file): \(error)")
        } catch {
            throw HostError("\(file): not a run report (written by `run --out` or `run --format json`):\n\(error)")
        }
    }
}
