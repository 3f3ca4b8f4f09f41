import ArgumentParser
import KerasLens

/// `--shard K/N`: the shard's index and the shard count, as a Slurm array task or Kubernetes'
/// `JOB_COMPLETION_INDEX` gives them.
extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
