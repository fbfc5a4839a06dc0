import InternalByteUtilities

/// Allowed methods as little-endian words: a method is a handful of bytes and
/// a policy lists a handful of methods, so comparing words beats hashing, and
/// raw storage keeps reference counting (a contended atomic across workers)
/// off the path.
final class MethodTable: @unchecked Sendable {
    // Safe to share: written once in `init`, only read afterwards.
    struct Entry {
        /// The first eight bytes, zero-padded.
        var word: UInt64
        var length: Int
    }

    let entries: UnsafeMutableBufferPointer<Entry>
    /// Bytes 8... of each method (empty for shorter ones), by index.
    let rest: PackedStrings

    init(_ methods: [String]) {
        entries = .allocate(capacity: max(methods.count, 1))
        for (i, method) in methods.enumerated() {
            let bytes = Array(method.utf8)
            let word = bytes.withUnsafeBytes { Word.load($0.baseAddress!, at: 0, count: $0.count) }
            entries[i] = Entry(word: word, length: bytes.count)
        }
        count = methods.count
        rest = PackedStrings(methods.map { Array($0.utf8.dropFirst(8)) })
    }

    let count: Int

    deinit {
        entries.deallocate()
        rest.deallocate()
    }

    /// Whether the method whose first eight bytes are `word` (zero-padded) and
    /// whose bytes are `method` is listed, compared byte for byte.
    ///
    /// - Complexity: O(methods listed); one word compare each for methods of
    ///   at most eight bytes.
    @inline(__always)
    func contains(word: UInt64, _ method: UnsafeRawBufferPointer) -> Bool {
        let n = method.count
        for i in 0..<count where entries[i].word == word && entries[i].length == n {
            if n <= 8 || method.bytesEqual(from: 8, count: n - 8, to: rest.start(of: i)) {
                return true
            }
        }
        return false
    }
}

/// Method words the Fetch standard names.
enum MethodWords {
    // Little-endian ASCII; the tests check each against its text.
    static let get: UInt64 = 0x54_4547
    static let head: UInt64 = 0x4441_4548
    static let post: UInt64 = 0x5453_4F50
    static let connect: UInt64 = 0x54_4345_4E4E_4F43
    static let trace: UInt64 = 0x45_4341_5254
    static let track: UInt64 = 0x4B_4341_5254
    /// Clears bit 5 of every byte: ASCII letters to uppercase, as the
    /// forbidden-method check of Fetch compares (and other bytes as it does).
    static let upperMask: UInt64 = 0xDFDF_DFDF_DFDF_DFDF
}
