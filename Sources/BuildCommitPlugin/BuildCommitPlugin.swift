import Foundation
import PackagePlugin

/// Records the commit the tool is built from, so a report names the code
/// that measured it rather than whatever repository the user stands in.
/// Before each build of the target it writes `BuildCommit.swift` with
/// `buildCommit` (12 digits of `git rev-parse HEAD` of this package, with
/// `-dirty` when tracked files differ from it, or "unknown" outside a
/// checkout), rewriting it only when it changes.
@main
struct BuildCommitPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let generated = context.pluginWorkDirectoryURL.appending(path: "generated")
        let script = """
            mkdir -p "$2"
            commit=$(git -C "$1" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
            [ "$commit" = unknown ] || git -C "$1" diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
            line="package let buildCommit = \\"$commit\\""
            [ "$(cat "$2/BuildCommit.swift" 2>/dev/null)" = "$line" ] || printf '%s\\n' "$line" > "$2/BuildCommit.swift"
            """
        return [.prebuildCommand(displayName: "Recording the git commit of \(target.name)", executable: URL(filePath: "/bin/sh"),
                                 arguments: ["-c", script, "sh", context.package.directoryURL.path, generated.path],
                                 outputFilesDirectory: generated)]
    }
}
