/// The known-answer dataset generators, one small function per task.
///
/// Each function is pure: the same parameters and seed give the same task, bit for bit. Its
/// documentation gives the formula, the parameters with their defaults, what is known of the
/// task, and a reference. ``TaskCatalogue`` lists them by name for the command line.
public enum Generators {}
