using Emend.Models.Architecture;
using Emend.Models.Generation;

namespace Emend.Models.Runtime;

public sealed partial class Transformer
{
    /// <summary>
    /// A new model with owned float32 weights for training from scratch: matrices drawn from N(0, std²) with a
    /// seeded generator (the same seed gives the same model on every machine), norm gains 1 and biases 0 (HF's
    /// initialisation, without GPT-2's depth-scaled projections).
    /// </summary>
    public static Transformer Initialize(TransformerSpec spec, ulong seed, double standardDeviation = 0.02)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(standardDeviation >= 0)) throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "must be non-negative");
        var random = new SeededRandom(seed);
        var tensors = new Dictionary<string, ModelParameter>(StringComparer.Ordinal);
        foreach (var expected in spec.ExpectedTensors())
        {
            var isVector = expected.Shape.Rank == 1;
            var rows = isVector ? 1 : expected.Shape[0];
            var cols = isVector ? expected.Shape[0] : expected.Shape[1];
            var parameter = new ModelParameter(expected.Name, rows, cols, isVector);
            var values = parameter.Values;
            if (!isVector)
                for (var i = 0; i < values.Length; i++) values[i] = (float)(standardDeviation * random.NextGaussian());
            else if (!expected.IsBias)
                Array.Fill(values, 1f);
            tensors.Add(expected.Name, parameter);
        }
        return TransformerBinder.Bind(spec, tensors, storage: null, source: $"a new {spec.ModelType} model");
    }
}
