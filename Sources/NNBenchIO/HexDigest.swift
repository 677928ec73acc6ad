import Crypto

/// The digests nnbench records next to datasets, engine fingerprints and baselines, as text.
///
/// The hashing itself is apple/swift-crypto's `SHA256` (a kept library rather than code of our
/// own); this only spells its result the way `sha256sum` prints it, which is how the files store it.
public enum HexDigest {
    /// The SHA-256 (FIPS 180-4) of `bytes` as 64 lowercase hexadecimal digits.
    ///
    /// - Parameter bytes: The message.
    /// - Returns: The digest, e.g. `e3b0c442…b855` for no bytes.
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
