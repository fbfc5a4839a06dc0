import CORSPolicy
import InternalByteUtilities
import Testing

/// The browser form of header lists: recognizing it a word at a time and
/// normalizing other lists to it, against the byte-wise grammar.
@Suite struct RequestHeaderListTests {
    /// Normalization (a word at a time) agrees with
    /// `RequestHeaderList.normalized` on random lists: mixed case, spaces
    /// and tabs, duplicates, shared prefixes longer than a word, empty
    /// elements and bytes that are not token characters.
    @Test func normalizationAgreesWithTheHeaderListGrammar() {
        var rng = SplitMix64(seed: 23)
        let names = ["Content-Type", "content-type", "X-Request-ID", "x-request-id-extra", "X-Request-Idx", "Authorization",
                     "accept", "ACCEPT-VERSION", "a", "B", "x-custom-header-number-one", "X-CUSTOM-HEADER-NUMBER-TWO", "x_under^score|~"]
        let separators = [",", ", ", " ,", ",\t", ",,", " , "]
        var compared = 0
        for round in 0..<20_000 {
            var list = ""
            for k in 0..<Int(rng.next() % 6) {
                if k > 0 { list += separators[Int(rng.next() % UInt64(separators.count))] }
                list += names[Int(rng.next() % UInt64(names.count))]
            }
            if round % 10 == 0 { list += ["@", " x y", "\u{7f}", "é"][Int(rng.next() % 4)] }
            if round % 7 == 0 { list = " " + list + "\t" }
            let expected = RequestHeaderList.normalized(list)
            var buffer = [UInt8](repeating: 0xAA, count: 96 + 8)
            let length = Array(list.utf8).withUnsafeBytes { value in
                buffer.withUnsafeMutableBytes { RequestHeaderList.normalize(value, into: $0.baseAddress!, capacity: 96) }
            }
            if let expected, expected.utf8.count <= 96 {
                #expect(length.map { String(decoding: buffer.prefix($0), as: UTF8.self) } == expected, "\(list.debugDescription)")
                compared += 1
            } else if expected == nil {
                #expect(length == nil, "\(list.debugDescription) is malformed")
            }
        }
        #expect(compared > 10_000)
    }

    /// The word-at-a-time browser-form check agrees with the byte-wise one on
    /// random lists built from characters that sit on every class boundary.
    @Test func browserFormCheckAgreesWithTheBytewiseCheck() {
        var rng = SplitMix64(seed: 5)
        let alphabet = Array("abcxyz-,019AZ_. \t`{}@[/:~!\u{7f}".utf8) + [0x80, 0xFF, 0x00, 0x2B, 0x60, 0x7B]
        let names = ["accept", "authorization", "content-type", "x-request-id", "x-trace-id", "a", "b", "ab", "abc", "content", "content-typf"]
        var browserForm = 0
        for round in 0..<20_000 {
            let bytes: [UInt8]
            if round % 2 == 0 {
                // Mostly plausible lists: some sorted and unique, some not.
                let count = Int(rng.next() % 4) + 1
                var picked = (0..<count).map { _ in names[Int(rng.next() % UInt64(names.count))] }
                if rng.next() % 2 == 0 { picked.sort() }
                var text = picked.joined(separator: ",")
                if rng.next() % 5 == 0 { text += "," }
                bytes = Array(text.utf8)
            } else {
                bytes = (0..<Int(rng.next() % 30 + 1)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            }
            bytes.withUnsafeBytes { raw in
                let fast = RequestHeaderList.isBrowserForm(raw)
                #expect(fast == RequestHeaderList.isBrowserFormBytewise(raw), "\(bytes)")
                if fast { browserForm += 1 }
            }
        }
        #expect(browserForm > 1000, "the test should exercise accepted lists too")
    }

    /// A NUL byte is no token character: such a list is not in browser form
    /// (the byte-wise check once let it through, as the token table maps non-token bytes to 0).
    @Test func nulBytesAreNotBrowserForm() {
        for bytes: [UInt8] in [[0x61, 0x00, 0x62], [0x00], Array("content-type,x-\u{0}d".utf8), Array("a,b\u{0}".utf8)] {
            bytes.withUnsafeBytes { raw in
                #expect(!RequestHeaderList.isBrowserForm(raw), "\(bytes)")
                #expect(!RequestHeaderList.isBrowserFormBytewise(raw), "\(bytes)")
            }
        }
    }
}
