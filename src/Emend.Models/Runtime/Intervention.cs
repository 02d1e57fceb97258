namespace Emend.Models.Runtime;

/// <summary>
/// Adds <see cref="Vector"/> (width = hidden size) to the MLP output or to the block output of block
/// <see cref="Layer"/> at the given batch rows (see <see cref="TokenBatch.Row"/>). This is the δ of ROME/MEMIT's
/// target-value optimisation: <see cref="Transformer.Backward(ForwardResult, ReadOnlySpan{float}, IEnumerable{ModelParameter})"/>
/// returns dLoss/dδ for every intervention. Both sites feed the residual stream directly, so they differ only in what
/// an <see cref="ActivationSite.MlpOutput"/> capture at the same layer reports.
/// </summary>
public sealed record Intervention(int Layer, ActivationSite Site, IReadOnlyList<int> Rows, float[] Vector);
