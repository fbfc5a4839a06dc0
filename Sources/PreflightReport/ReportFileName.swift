/// File names for what a report writes, made from names users chose
/// (scenario names, file paths, labels): the one place that decides what a
/// report's file may be called, so that no name can leave `--out`, hide
/// itself or be refused by the file system.
package enum ReportFileName {
    /// Bytes a stem keeps; file systems allow 255 and the extension and a
    /// part number (`-2`) still have to fit.
    package static let maximumStemBytes = 96

    /// `stem` made safe as a file name: letters, digits, `.`, `_` and `-`
    /// stay, runs of anything else (path separators, spaces, control
    /// characters, non-ASCII) become one `-`; no leading dot or dash, at most
    /// `maximumStemBytes` bytes, and never empty. O(n) in `stem`'s bytes.
    package static func safe(_ stem: String) -> String {
        var bytes: [UInt8] = []
        for b in stem.utf8 {
            let kept = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
            if kept { bytes.append(b) } else if bytes.last != 0x2D { bytes.append(0x2D) }
        }
        while let first = bytes.first, first == 0x2E || first == 0x2D { bytes.removeFirst() }
        while let last = bytes.last, last == 0x2D { bytes.removeLast() }
        if bytes.count > maximumStemBytes { bytes = Array(bytes.prefix(maximumStemBytes)) }
        return bytes.isEmpty ? "unnamed" : String(decoding: bytes, as: UTF8.self)
    }

    /// `files` with every name unique: a later file whose name an earlier
    /// one took (two scenarios whose names differ only in unsafe
    /// characters) gets `_2`, `_3` before its extension, so no file
    /// silently replaces another. O(n) expected.
    package static func unique(_ files: [(name: String, svg: String)]) -> [(name: String, svg: String)] {
        var taken = Set<String>()
        return files.map { file in
            var name = file.name, n = 1
            let dot = file.name.lastIndex(of: ".") ?? file.name.endIndex
            while !taken.insert(name).inserted {
                n += 1
                name = String(file.name[..<dot]) + "_\(n)" + String(file.name[dot...])
            }
            return (name, file.svg)
        }
    }

    /// `name` (a stem with or without `.ext`) as a safe file name ending in `.ext`.
    package static func safe(_ name: String, extension ext: String) -> String {
        let suffix = "." + ext
        let stem = name.hasSuffix(suffix) ? String(name.dropLast(suffix.count)) : name
        return safe(stem) + suffix
    }
}
