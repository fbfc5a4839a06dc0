import CORSPolicy
import OrderedCollections

/// Distinct strings, each stored once.
struct StringTable {
    var list: OrderedSet<String> = []
    var normalized: [String: UInt32] = [:]

    mutating func intern(_ s: String) -> UInt32 { UInt32(list.append(s).index) }

    /// An id shared by header strings with the same normalized form.
    mutating func normalizedID(_ i: UInt32) -> UInt32 {
        let form = RequestHeaderList.normalized(list[Int(i)]) ?? "\u{0}\(i)"
        if let id = normalized[form] { return id }
        let id = UInt32(normalized.count)
        normalized[form] = id
        return id
    }
}
