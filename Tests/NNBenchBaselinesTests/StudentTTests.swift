@testable import NNBenchBaselines
import NNBenchHarness
import Testing

/// Student's t quantiles against an independent implementation, SciPy's (1.17.1):
///
///     python3 -c "from scipy.stats import t; [print(df, '%.17g' % t.ppf(0.99, df), '%.17g' % t.ppf(0.95, df)) for df in [*range(1, 41), 50, 60, 100, 120, 1000]]"
///     python3 -c "from scipy.stats import norm; print('%.17g %.17g' % (norm.ppf(0.99), norm.ppf(0.95)))"
@Suite("Student's t quantiles")
struct StudentTTests {
    /// Degrees of freedom, t(0.99, ν), t(0.95, ν), from the first command.
    static let scipy: [(degrees: Int, p99: Double, p95: Double)] = [
        (1, 31.820515953773935, 6.3137515146750367),
        (2, 6.9645567342832715, 2.9199855803537242),
        (3, 4.5407028585681317, 2.3533634348018233),
        (4, 3.7469473879791959, 2.1318467863266495),
        (5, 3.3649299989072174, 2.0150483733330233),
        (6, 3.1426684032910064, 1.9431802805153042),
        (7, 2.9979515668685277, 1.8945786050900062),
        (8, 2.8964594477096219, 1.8595480375308973),
        (9, 2.8214379250258088, 1.833112932656237),
        (10, 2.7637694581126957, 1.8124611228116756),
        (11, 2.7180791838138623, 1.7958848187040433),
        (12, 2.6809979931209145, 1.782287555649319),
        (13, 2.6503088379121911, 1.7709333959868725),
        (14, 2.6244940675900512, 1.761310135774891),
        (15, 2.6024802950111225, 1.7530503556925721),
        (16, 2.5834871852759904, 1.7458836762762495),
        (17, 2.5669339837247174, 1.7396067260750725),
        (18, 2.5523796301822506, 1.7340636066175388),
        (19, 2.5394831906239625, 1.7291328115213682),
        (20, 2.5279770027415731, 1.7247182429207866),
        (21, 2.5176480160447419, 1.7207429028118779),
        (22, 2.5083245528990803, 1.7171443743802424),
        (23, 2.4998667394946676, 1.713871527747048),
        (24, 2.4921594731577561, 1.710882079909428),
        (25, 2.4851071754107616, 1.7081407612518986),
        (26, 2.4786298235912412, 1.7056179197592727),
        (27, 2.472659911956006, 1.7032884457221265),
        (28, 2.4671400979674711, 1.7011309342659313),
        (29, 2.4620213601504126, 1.6991270265334972),
        (30, 2.457261542400591, 1.6972608865939569),
        (31, 2.4528241934026451, 1.6955187825458649),
        (32, 2.4486776336720513, 1.6938887483837102),
        (33, 2.4447941998078058, 1.6923603090303438),
        (34, 2.4411496279064826, 1.6909242551868546),
        (35, 2.4377225471437423, 1.6895724577802655),
        (36, 2.4344940612311392, 1.6882977141168156),
        (37, 2.4314474004646738, 1.6870936195962631),
        (38, 2.4285676308590873, 1.6859544601667371),
        (39, 2.4258414097356304, 1.6848751217112248),
        (40, 2.4232567793348578, 1.6838510133356519),
        (50, 2.4032719166741714, 1.6759050251630969),
        (60, 2.3901194726249133, 1.6706488649046363),
        (100, 2.3642173662384813, 1.6602343260853392),
        (120, 2.3578246126487552, 1.6576508993552352),
        (1000, 2.3300826747555128, 1.6463788172854643),
    ]

    /// A quantile's relative error is its upper tail's times `P(T > t)/(t · f(t))`, at most 1.02
    /// here (ν = 1, p = 0.95; it falls with ν). The tail's relative error: `ln B(ν/2, ½)` to a few
    /// ulp of numbers below 30 (1e-14); the continued fraction's stopping rule (4 ulp) and its
    /// rounding, which the cancellation in its leading denominator amplifies by about ν/t²
    /// (4e-14 at ν = 1000, p = 0.99); and, where the symmetry `1 − I_{1−x}(b, a)` is used
    /// (p = 0.95 from ν = 38 on), a factor (1 − 2·0.05)/(2·0.05) = 9 on the fraction's error
    /// (3e-13). SciPy's values are within 1e-14 of a 40-digit mpmath root of the same equation,
    /// and printed to 17 digits (5e-17). Hence 1e-12.
    static let tolerance = 1e-12

    static func relativeError(_ value: Double, _ reference: Double) -> Double {
        abs(value - reference) / abs(reference)
    }

    @Test(arguments: scipy)
    func quantilesMatchSciPy(row: (degrees: Int, p99: Double, p95: Double)) {
        let (p99, p95) = (StudentT.quantile(0.99, degrees: row.degrees), StudentT.quantile(0.95, degrees: row.degrees))
        #expect(Self.relativeError(p99, row.p99) <= Self.tolerance, "t(0.99, \(row.degrees)) = \(p99), SciPy \(row.p99)")
        #expect(Self.relativeError(p95, row.p95) <= Self.tolerance, "t(0.95, \(row.degrees)) = \(p95), SciPy \(row.p95)")
    }

    @Test func lowerQuantilesAreTheUpperOnesNegated() {
        #expect(StudentT.quantile(0.01, degrees: 4) == -StudentT.quantile(0.99, degrees: 4))
        #expect(StudentT.quantile(0.5, degrees: 4) == 0)
    }

    @Test func normalQuantilesMatchSciPy() {
        // From the second command; the same error analysis with erfc (a few ulp) for the tail.
        #expect(Self.relativeError(StudentT.normalQuantile(0.99), 2.3263478740408408) <= Self.tolerance)
        #expect(Self.relativeError(StudentT.normalQuantile(0.95), 1.6448536269514722) <= Self.tolerance)
    }

    @Test func theTestUsesTheNinetyNinePercentQuantile() {
        // The old table's t(0.99, 31…39) was t(0.99, 40) = 2.4233, below the true quantile: it
        // erred towards false alarms. Computed, the quantile falls with ν as it must.
        #expect(OneSidedTest.quantile(degrees: 4) == StudentT.quantile(0.99, degrees: 4))
        #expect(OneSidedTest.quantile(degrees: 0) == StudentT.normalQuantile(0.99))
        let quantiles = (1...41).map { OneSidedTest.quantile(degrees: $0) }
        #expect(zip(quantiles, quantiles.dropFirst()).allSatisfy { $0 > $1 })
    }
}
