/// A failure the user can act on, in one line that names what failed
/// (`cannot read policy.json: no such file`); the command prints it on
/// standard error and exits 1.
package struct HostError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
