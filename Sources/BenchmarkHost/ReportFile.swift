import JSONValue
package import PreflightLoad
package import PreflightReport
import PreflightSimulation

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

    /// The report a directory holds, of whichever kind its JSON file says:
    /// run.json, simulate.json or browsers.json.
    package static func loadAnyKind(_ directory: String) throws(HostError) -> any ResultReport {
        if Files.exists(directory + "/run.json") { return try load(directory + "/run.json") }
        for (file, read) in readers {
            let path = directory + "/" + file
            guard Files.exists(path) else { continue }
            let bytes = try Files.read(path, what: "report")
            do { return try read(try JSONValue.parse(bytes)) } catch let error as JSONSyntaxError {
                throw HostError("\(path): \(error)")
            } catch {
                throw HostError("\(path): not a report written by preflight-bench:\n\(error)")
            }
        }
        if Files.exists(directory + "/matchers.json") {
            throw HostError("\(directory) holds a matchers report: `matchers --out` writes all of its files, and `report` cannot read them back "
                            + "(matchers.json keeps each measurement's median, min and max, not its repetitions)")
        }
        throw HostError("\(directory) holds no report: no run.json, simulate.json or browsers.json")
    }

    static let readers: [(file: String, read: @Sendable (JSONValue) throws -> any ResultReport)] = [
        ("simulate.json", { try Simulation.Report(json: $0) }),
        ("browsers.json", { try BrowserReport(json: $0) }),
    ]

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
