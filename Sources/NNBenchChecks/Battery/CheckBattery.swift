import NNBenchDatasets
import NNBenchEngine
import NNBenchModel

/// The battery of checks: runs them on a model, an architecture and a task, and reports.
public enum CheckBattery {
    /// Every check, in the order they run.
    static let checks: [any Check] = [
        InitialisationCheck(), ReferenceCheck(), GradientCheck(), InputGradientCheck(), UpdateCheck(), BatchCheck(),
        ModesCheck(), NumericsCheck(), TrainingHealthCheck(), OverfitCheck(), KnownAnswerCheck(), AblationCheck(),
        InputBaselineCheck(),
    ]

    /// The checks' names, for `--only`.
    public static var names: [String] { checks.map(\.name) }

    /// Each check's name and what it verifies.
    public static var summaries: [(name: String, summary: String)] { checks.map { ($0.name, $0.summary) } }

    /// Runs the checks on a model.
    ///
    /// - Parameters:
    ///   - model: The implementation under test.
    ///   - architecture: The architecture to check, resolved against the task's inputs.
    ///   - task: The task whose data and loss the checks use.
    ///   - seed: The seed of the weights the model builds.
    ///   - only: The names of the checks to run, or `nil` for all.
    /// - Returns: One result per check run; a model that cannot even say hello or build gives a
    ///   single ``CheckStatus/error`` result.
    public static func run(
        model: any CheckableModel, architecture: ArchitectureSpec, task: LearningTask, seed: UInt64, only: Set<String>? = nil
    ) -> [CheckResult] {
        let info: ModelInfo
        do {
            info = try model.hello()
        } catch {
            return [CheckResult(check: "hello", status: .error, diagnosis: error.description)]
        }
        let spec = ModelSpec(inputShape: task.inputShape, architecture: architecture)
        let context = CheckContext(model: model, info: info, modelSpec: spec, task: task, seed: seed)
        if !context.supports(architecture.layers) {
            let missing = architecture.layers.map(\.name).filter { !(info.layerTypes?.contains($0) ?? true) }
            return [CheckResult(check: "build", status: .error, diagnosis: "the model cannot build layer types: \(Set(missing).sorted().joined(separator: ", "))")]
        }
        return checks.filter { only?.contains($0.name) ?? true }.map { run($0, context) }
    }

    private static func run(_ check: any Check, _ context: CheckContext) -> CheckResult {
        if let missing = check.requiredOps.first(where: { !context.info.ops.contains($0) }) {
            return CheckResult(check: check.name, status: .skipped, diagnosis: needs(missing, context))
        }
        do {
            let outcome = try check.run(context)
            return CheckResult(
                check: check.name, status: outcome.status, figure: outcome.figure, bound: outcome.bound,
                diagnosis: outcome.diagnosis, likelyCauses: outcome.symptom?.likelyCauses ?? [], notes: outcome.notes,
                load: outcome.load, location: outcome.location,
                measurements: outcome.measurements.isEmpty ? nil : outcome.measurements)
        } catch .unsupported(let op) {
            return CheckResult(check: check.name, status: .skipped, diagnosis: needs(op, context))
        } catch {
            return CheckResult(check: check.name, status: .error, diagnosis: "the model could not be checked: \(error.description)")
        }
    }

    /// Why a check is skipped for an op the model lacks: its version's, or its own choice.
    private static func needs(_ op: ModelOp, _ context: CheckContext) -> String {
        op.version > context.info.version
            ? "needs the op '\(op)' (protocol \(op.version)); the model speaks protocol \(context.info.version)"
            : "needs the op '\(op)', which the model does not offer"
    }
}
