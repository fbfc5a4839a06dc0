import Foundation

/// Progress on standard error: one live line on a terminal, one line per
/// step otherwise (so logs keep every step).
package final class ProgressLine {
    let live = isatty(2) != 0

    package init() {}

    /// A line that stays.
    package func note(_ text: String) { StandardError.line(text) }

    /// A line that the next one replaces, on a terminal.
    package func update(_ text: String) {
        if live { StandardError.write("\r\u{1B}[K" + text) } else { StandardError.line(text) }
    }

    /// Ends the live line.
    package func finish() {
        if live { StandardError.write("\n") }
    }
}
