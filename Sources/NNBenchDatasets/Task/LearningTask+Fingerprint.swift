import NNBenchIO

extension LearningTask {
    /// The SHA-256, in hexadecimal, of every split's shapes and values: for train, validation and
    /// test in turn, the input and target shapes and the little-endian bit patterns of every
    /// input and target value.
    ///
    /// Two tasks have the same fingerprint exactly when a model sees the same numbers, so a
    /// baseline recorded on one fingerprint is comparable, bit for bit, only on the same one.
    ///
    /// - Complexity: O(number of values).
    public var fingerprint: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * SplitName.allCases.reduce(0) { $0 + self[$1].inputs.count + self[$1].targets.count } + 256)
        func append(_ word: UInt64) {
            withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
        }
        for name in SplitName.allCases {
            let split = self[name]
            for shape in [split.inputShape, split.targetShape] {
                append(UInt64(shape.count))
                for size in shape { append(UInt64(size)) }
            }
            append(UInt64(split.count))
            for value in split.inputs { append(value.bitPattern) }
            for value in split.targets { append(value.bitPattern) }
        }
        return HexDigest.sha256(bytes)
    }
}
