import Testing
@testable import NNBenchDatasets

@Suite("Philox4x32-10 and random streams")
struct PhiloxTests {
    // Random123's tests/kat_vectors, the three "philox4x32 10" lines: counter, key, result.
    @Test func knownAnswerVectors() {
        let zero = Philox.block(counter: (0, 0, 0, 0), key: (0, 0))
        #expect([zero.0, zero.1, zero.2, zero.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        let ones = Philox.block(
            counter: (0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), key: (0xffff_ffff, 0xffff_ffff))
        #expect([ones.0, ones.1, ones.2, ones.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        let pi = Philox.block(
            counter: (0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), key: (0xa409_3822, 0x299f_31d0))
        #expect([pi.0, pi.1, pi.2, pi.3] == [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    @Test func streamsDependOnlyOnKeyAndIndex() {
        var a = RandomStream(key: 42, index: 7)
        var b = RandomStream(key: 42, index: 7)
        let first = (0..<10).map { _ in a.uniform() }
        #expect(first == (0..<10).map { _ in b.uniform() })
        var other = RandomStream(key: 42, index: 8)
        #expect(first != (0..<10).map { _ in other.uniform() })
    }

    // nextUInt64 reads two buffered words at once; its definition is two nextUInt32 draws, the first
    // the high half. Checked at each of the four positions in a block a stream can be at, across
    // 32 blocks, so both fast cases, the refill and the straddling case all run.
    @Test func a64BitDrawIsTwo32BitDraws() {
        for offset in 0..<4 {
            var stream = RandomStream(key: 0x0123_4567_89AB_CDEF, index: 5)
            var reference = stream
            for _ in 0..<offset {
                #expect(stream.nextUInt32() == reference.nextUInt32())
            }
            for _ in 0..<64 {
                let high = UInt64(reference.nextUInt32())
                #expect(stream.nextUInt64() == high << 32 | UInt64(reference.nextUInt32()))
            }
        }
    }

    @Test func keysOfDifferentPurposesDiffer() {
        #expect(StreamKey.make(seed: 0, purpose: "xor/train") != StreamKey.make(seed: 0, purpose: "xor/test"))
        #expect(StreamKey.make(seed: 0, purpose: "xor/train") != StreamKey.make(seed: 1, purpose: "xor/train"))
    }

    // 10^5 draws: the standard error of a mean of U(0,1) is 0.29/√n ≈ 0.0009 and of N(0,1)'s
    // variance √(2/n) ≈ 0.0045, so 5 standard errors is a bound a correct stream meets.
    @Test func momentsMatchTheDistributions() {
        let n = 100_000
        var uniformSum = 0.0, normalSum = 0.0, normalSquares = 0.0
        for i in 0..<n {
            var stream = RandomStream(key: 1, index: UInt64(i))
            uniformSum += stream.uniform()
            let z = stream.normal()
            normalSum += z
            normalSquares += z * z
        }
        #expect(abs(uniformSum / Double(n) - 0.5) < 0.0046)
        #expect(abs(normalSum / Double(n)) < 0.016)
        #expect(abs(normalSquares / Double(n) - 1) < 0.023)
    }

    @Test func integersAreInRangeAndCoverIt() {
        var seen = Set<Int>()
        for i in 0..<1000 {
            var stream = RandomStream(key: 3, index: UInt64(i))
            let value = stream.integer(below: 7)
            #expect((0..<7).contains(value))
            seen.insert(value)
        }
        #expect(seen.count == 7)
    }
}
