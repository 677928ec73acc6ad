/// The Philox4x32-10 counter-based pseudo-random function.
///
/// Philox maps a 128-bit counter and a 64-bit key to 128 random bits with ten rounds of
/// multiply-and-xor. Because it is a pure function of (counter, key), any sample can be drawn
/// without drawing the ones before it: nnbench's generators give every sample its own counter,
/// which is what makes their output independent of the number of samples and of threads.
///
/// Reference: J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel random numbers:
/// as easy as 1, 2, 3", SC 2011. The constants and the round are those of Random123's
/// `philox4x32_R(10, ...)`, and the tests check its published known-answer vectors.
public enum Philox {
    @usableFromInline static let multiplier0: UInt32 = 0xD251_1F53
    @usableFromInline static let multiplier1: UInt32 = 0xCD9E_8D57
    @usableFromInline static let weyl0: UInt32 = 0x9E37_79B9
    @usableFromInline static let weyl1: UInt32 = 0xBB67_AE85

    /// Returns the Philox4x32-10 block for a counter and a key.
    ///
    /// - Parameters:
    ///   - counter: The four 32-bit words of the counter.
    ///   - key: The two 32-bit words of the key.
    /// - Returns: Four 32-bit random words.
    /// - Complexity: O(1): ten rounds of two 32×32→64-bit products.
    @inlinable
    public static func block(
        counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)
    ) -> (UInt32, UInt32, UInt32, UInt32) {
        var c = counter
        var k = key
        for round in 0..<10 {
            if round > 0 {
                k.0 &+= weyl0
                k.1 &+= weyl1
            }
            let product0 = UInt64(multiplier0) &* UInt64(c.0)
            let product1 = UInt64(multiplier1) &* UInt64(c.2)
            c = (
                UInt32(truncatingIfNeeded: product1 >> 32) ^ c.1 ^ k.0,
                UInt32(truncatingIfNeeded: product1),
                UInt32(truncatingIfNeeded: product0 >> 32) ^ c.3 ^ k.1,
                UInt32(truncatingIfNeeded: product0)
            )
        }
        return c
    }
}
