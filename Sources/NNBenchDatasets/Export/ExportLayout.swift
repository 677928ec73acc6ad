/// A file format's layout as an exporter writes it piece by piece: a head, then passes over the
/// samples of one split each, then a tail.
///
/// A pass renders its split a block of samples at a time, so a file of any size is written from
/// a few blocks in memory, and the blocks can be rendered on several threads and written in order.
struct ExportLayout {
    /// One pass over the samples of a split.
    struct Pass: Sendable {
        /// The split whose samples the pass renders.
        let split: SplitName
        /// What comes before the first block.
        let prefix: [UInt8]
        /// What comes after the last block.
        let suffix: [UInt8]
        /// Renders a block of samples; `first` says whether it begins the split (so that a list
        /// knows whether a separator goes first).
        let render: @Sendable (_ samples: Split, _ first: Bool) -> [UInt8]
    }

    /// What comes before the first pass.
    let head: [UInt8]
    /// The passes, in file order.
    let passes: [Pass]
    /// What comes after the last pass.
    let tail: [UInt8]
}
