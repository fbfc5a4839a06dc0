extension OriginSyntax {
    /// Checks that `text` (inside the brackets) is an IPv6 address in the URL
    /// standard's serialization: lowercase hex, no leading zeros, the first
    /// longest run of two or more zero pieces compressed to `::`, no embedded IPv4.
    ///
    /// - Complexity: O(n); allocates nothing (the eight pieces live on the stack).
    static func checkIPv6(_ text: UnsafeRawBufferPointer) -> Result<Void, Failure> {
        var pieces: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &pieces) { raw in
            let p = raw.bindMemory(to: UInt16.self)
            guard parseIPv6(text, into: p) else { return .failure(.invalidIPv6) }
            // Re-serialize and compare byte for byte.
            return isIPv6Serialization(of: UnsafeBufferPointer(p), text) ? .success(()) : .failure(.nonCanonicalIPv6)
        }
    }

    /// Parses the pieces of an IPv6 address (any case of `::` placement,
    /// uppercase hex refused) into `p`, eight of them.
    static func parseIPv6(_ text: UnsafeRawBufferPointer, into p: UnsafeMutableBufferPointer<UInt16>) -> Bool {
        var count = 0
        var compress = -1
        var i = 0
        let n = text.count
        guard n >= 2 else { return false }
        if text[0] == UInt8(ascii: ":") {
            guard text[1] == UInt8(ascii: ":") else { return false }
            i = 2
            count = 0
            compress = 0
        }
        while i < n {
            guard count < 8 else { return false }
            if text[i] == UInt8(ascii: ":") {
                guard compress == -1 else { return false }
                i += 1
                compress = count
                continue
            }
            var value: UInt32 = 0
            var length = 0
            while length < 4, i < n {
                let b = text[i]
                let digit: UInt32
                if isDigit(b) { digit = UInt32(b - UInt8(ascii: "0")) }
                else if b &- UInt8(ascii: "a") < 6 { digit = UInt32(b - UInt8(ascii: "a") + 10) }
                else if b &- UInt8(ascii: "A") < 6 { return false }
                else { break }
                value = value << 4 | digit
                i += 1
                length += 1
            }
            guard length > 0 else { return false }
            p[count] = UInt16(value)
            count += 1
            if i < n {
                guard text[i] == UInt8(ascii: ":") else { return false }
                i += 1
                guard i < n else { return false }
            }
        }
        if compress != -1 {
            // Move the pieces after the compression point to the end.
            var swaps = count - compress
            var target = 7
            while target != 0 && swaps > 0 {
                let source = compress + swaps - 1
                p.swapAt(target, source)
                target -= 1
                swaps -= 1
            }
        } else if count != 8 {
            return false
        }
        return true
    }

    /// Whether `text` is exactly the URL standard's serialization of the pieces `p`.
    static func isIPv6Serialization(of p: UnsafeBufferPointer<UInt16>, _ text: UnsafeRawBufferPointer) -> Bool {
        var bestStart = -1, bestLength = 1
        var runStart = -1
        for k in 0..<9 {
            if k < 8 && p[k] == 0 {
                if runStart < 0 { runStart = k }
            } else if runStart >= 0 {
                if k - runStart > bestLength { bestStart = runStart; bestLength = k - runStart }
                runStart = -1
            }
        }
        var position = 0
        func emit(_ b: UInt8) -> Bool {
            guard position < text.count, text[position] == b else { return false }
            position += 1
            return true
        }
        var ignore0 = false
        for k in 0..<8 {
            if ignore0 && p[k] == 0 { continue }
            ignore0 = false
            if k == bestStart {
                if k == 0 { guard emit(UInt8(ascii: ":")) else { return false } }
                guard emit(UInt8(ascii: ":")) else { return false }
                ignore0 = true
                continue
            }
            var started = false
            for shift in stride(from: 12, through: 0, by: -4) {
                let nibble = UInt8((p[k] >> UInt16(shift)) & 0xF)
                if nibble == 0 && !started && shift > 0 { continue }
                started = true
                let digit = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
                guard emit(digit) else { return false }
            }
            if k != 7 { guard emit(UInt8(ascii: ":")) else { return false } }
        }
        return position == text.count
    }
}
