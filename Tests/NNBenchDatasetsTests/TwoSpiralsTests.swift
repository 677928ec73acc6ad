import Testing
@testable import NNBenchDatasets

@Suite("two-spirals")
struct TwoSpiralsTests {
    /// Points of Wieland's `mkspiral.c` (CMU benchmark collection), whose point `i` of class 1 is
    /// `(r sin a, r cos a)` with `a = iπ/16`, `r = 6.5(104 − i)/104`, as its ports quote it,
    /// evaluated exactly (40 digits) by mpmath and printed to 17:
    ///
    ///     python3 -c "import mpmath as m; m.mp.dps = 40; [print(i, m.nstr(m.chop(6.5 * (104 - i) / m.mpf(104) * m.sin(i * m.pi / 16)), 17), m.nstr(m.chop(6.5 * (104 - i) / m.mpf(104) * m.cos(i * m.pi / 16)), 17)) for i in (0, 1, 5, 8, 13, 27, 40, 57, 72, 89, 96)]"
    ///
    /// The start, the first points, the axis crossings a quarter, a turn and a half and two turns
    /// and a quarter in (exact 6, 4, 2), points in every quadrant, and the end (radius 0.5, three
    /// turns).
    static let mpmath: [(i: Int, x: Double, y: Double)] = [
        (0, 0.0, 6.5),
        (1, 1.2558939479788257, 6.313805242595796),
        (5, 5.1447182261219987, 3.4375908168087888),
        (8, 6.0, 0.0),
        (13, 3.1598057002989877, -4.728983419970726),
        (27, -4.001447509205999, 2.6736817464068357),
        (40, 4.0, 0.0),
        (57, -2.8810567611844894, 0.57307782092237679),
        (72, 2.0, 0.0),
        (89, -0.91948620037802855, 0.18289717689012025),
        (96, 0.0, 0.5),
    ]

    /// The generator's rounding against the exact values: `Double(i) · Double.pi` is within
    /// ½ ulp(96π) = 2.8e-14 of `i · Double.pi`, which is within 96 · 1.2e-16 of `iπ`; divided
    /// by 16 (exact) the angle is within 2.5e-15, so `r sin a` within 6.5 · 2.5e-15 = 1.6e-14;
    /// the radius (two roundings), sin and cos (1 ulp) and the product add at most 2e-15 more,
    /// the references' 17 digits 3e-16. Hence 2e-14 absolute (measured over all 97 points:
    /// 3.8e-15).
    static let tolerance = 2e-14

    @Test func pointsMatchAnExactEvaluationOfWielandsGenerator() throws {
        let task = try Generators.twoSpirals()
        #expect(task.train.count == 194)
        for split in [task.validation, task.test] {
            #expect(split.inputs == task.train.inputs && split.targets == task.train.targets)
        }
        for point in Self.mpmath {
            let (one, zero) = (Array(task.train.input(2 * point.i)), Array(task.train.input(2 * point.i + 1)))
            #expect(abs(one[0] - point.x) <= Self.tolerance && abs(one[1] - point.y) <= Self.tolerance, "point \(point.i): \(one)")
            #expect(abs(zero[0] + point.x) <= Self.tolerance && abs(zero[1] + point.y) <= Self.tolerance, "point \(point.i): \(zero)")
            #expect(task.train.targets[2 * point.i] == 1 && task.train.targets[2 * point.i + 1] == 0)
        }
    }

    @Test func theSpiralsStartOnTheVerticalAxis() throws {
        let task = try Generators.twoSpirals()
        #expect(Array(task.train.inputs.prefix(4)) == [0, 6.5, -0.0, -6.5])
        #expect(Array(task.train.targets.prefix(2)) == [1, 0])
        // The last point of each spiral is at radius 6.5 · 8/104 = 0.5, three turns in.
        let last = task.train.input(192)
        #expect(abs((last[last.startIndex] * last[last.startIndex] + last[last.startIndex + 1] * last[last.startIndex + 1]).squareRoot() - 0.5) < 1e-12)
    }

    @Test func theClassesAreMirrorImagesThroughTheOrigin() throws {
        let split = try Generators.twoSpirals().train
        for pair in 0..<97 {
            let one = Array(split.input(2 * pair)), zero = Array(split.input(2 * pair + 1))
            #expect(zero == [-one[0], -one[1]])
            #expect(split.targets[2 * pair] + split.targets[2 * pair + 1] == 1)
        }
    }

    @Test func functionMatchesTheCatalogue() throws {
        let viaFunction = try Generators.twoSpirals()
        let viaCatalogue = try TaskDefinition.twoSpirals.makeTask()
        #expect(viaFunction.train == viaCatalogue.train && viaFunction.parameters.isEmpty && viaCatalogue.parameters.isEmpty)
        #expect(viaFunction.reference.target == Target(metric: .accuracy, split: .train, value: 1))
    }

    @Test func itTakesNoParameters() throws {
        let error = try #require(throws: DatasetError.self) { try TaskDefinition.twoSpirals.makeTask(["n": "10"]) }
        #expect(error == .unknownParameter(task: "two-spirals", name: "n", known: []))
    }
}
