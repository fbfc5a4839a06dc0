import Foundation

/// Lines for the user on standard error (results go to standard output).
package enum StandardError {
    package static func line(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    package static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
