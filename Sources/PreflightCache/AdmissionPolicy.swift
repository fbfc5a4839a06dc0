/// Whether a miss is inserted the first time its key is seen.
public enum AdmissionPolicy: String, CaseIterable, Sendable {
    /// Insert every miss.
    case always
    /// TinyLFU's doorkeeper: insert a key only on its second miss within a
    /// window, so a flood of one-off keys does not flush the hot set.
    case doorkeeper
}
