using Emend.Models.Architecture;
using Emend.Models.Checkpoints;

namespace Emend.Models;

/// <summary>
/// How a checkpoint's tensors compare with what its <see cref="TransformerSpec"/> expects. Catches a config that does
/// not belong to the weights (wrong sizes, wrong architecture) before any arithmetic runs on them.
/// </summary>
/// <param name="Missing">Expected tensors the checkpoint lacks.</param>
/// <param name="Unexpected">Stored tensors the spec does not use.</param>
/// <param name="ShapeMismatches">Tensors present under the expected name with another shape.</param>
/// <param name="StoresTiedHead">The head is tied but the checkpoint also stores a copy of it (some exporters do); it is redundant, not an error.</param>
public sealed record SpecConformance(
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<ShapeMismatch> ShapeMismatches,
    bool StoresTiedHead)
{
    public bool IsExact => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatches.Count == 0;

    public static SpecConformance Check(TransformerSpec spec, IEnumerable<TensorInfo> stored)
    {
        var byName = stored.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var expected = spec.ExpectedTensors();
        var missing = new List<string>();
        var mismatches = new List<ShapeMismatch>();
        foreach (var tensor in expected)
        {
            if (!byName.TryGetValue(tensor.Name, out var actual)) missing.Add(tensor.Name);
            else if (actual.Shape != tensor.Shape) mismatches.Add(new ShapeMismatch(tensor.Name, tensor.Shape.ToString(), actual.Shape.ToString()));
        }
        var expectedNames = expected.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var tiedHead = spec.Names.Weight(TensorRole.LmHead);
        var storesTiedHead = spec.TiedEmbeddings && byName.TryGetValue(tiedHead, out var head) && head.Shape[0] == spec.VocabSize && head.Shape.Rank == 2 && head.Shape[1] == spec.HiddenSize;
        var unexpected = byName.Keys.Where(n => !expectedNames.Contains(n) && !(storesTiedHead && n == tiedHead)).Order(StringComparer.Ordinal).ToArray();
        return new SpecConformance(missing, unexpected, mismatches, storesTiedHead);
    }
}

/// <summary>A tensor stored with a shape other than the spec's, both written as "[a, b]".</summary>
public sealed record ShapeMismatch(string Name, string Expected, string Actual);
