using Emend.Models.Architecture;
using Emend.Numerics;

namespace Emend.Models.Runtime;

/// <summary>
/// Builds a <see cref="Transformer"/> from a spec and a source of named tensors (a checkpoint directory, or a
/// llama2.c file given HF names), following the spec's tensor-name map. Every tensor stays a view of its source.
/// </summary>
internal static class TransformerBinder
{
    /// <param name="spec">The architecture.</param>
    /// <param name="tensor">Returns the tensor of a name as a matrix (vectors as one row), or null when absent.</param>
    /// <param name="storage">Owner of the memory the views point into; the model disposes it.</param>
    /// <param name="source">Where the tensors come from, for error messages.</param>
    public static Transformer Bind(TransformerSpec spec, Func<string, MatrixView?> tensor, IDisposable? storage, string source)
    {
        var cache = new Dictionary<string, ModelParameter>(StringComparer.Ordinal);
        return Bind(spec, name =>
        {
            if (cache.TryGetValue(name, out var existing)) return existing;
            if (tensor(name) is not { } view) return null;
            var parameter = new ModelParameter(name, view, isVector: view.Rows == 1);
            cache.Add(name, parameter);
            return parameter;
        }, storage, source);
    }

    /// <summary>Binds parameters that already exist (a newly initialised model).</summary>
    public static Transformer Bind(TransformerSpec spec, IReadOnlyDictionary<string, ModelParameter> parameters, IDisposable? storage, string source) =>
        Bind(spec, name => parameters.GetValueOrDefault(name), storage, source);

    private static Transformer Bind(TransformerSpec spec, Func<string, ModelParameter?> lookup, IDisposable? storage, string source)
    {
        var names = spec.Names;

        ModelParameter Require(string name, bool isVector) =>
            Optional(name, isVector) ?? throw new InvalidDataException($"{source}: tensor '{name}' is missing (required by the {spec.ModelType} spec)");
        ModelParameter? Optional(string name, bool isVector)
        {
            if (lookup(name) is not { } parameter) return null;
            if (parameter.IsVector != isVector)
                throw new InvalidDataException($"{source}: tensor '{name}' should be a {(isVector ? "vector" : "matrix")} but is [{parameter.Rows}, {parameter.Cols}]");
            return parameter;
        }
        NormWeights Norm(TensorRole role, int layer) => new(
            Require(names.Weight(role, layer), isVector: true),
            spec.Norm == NormKind.LayerNorm ? Require(names.Bias(role, layer), isVector: true) : null);
        LinearWeight Linear(TensorRole role, int layer, bool hasBias) => new(
            Require(names.Weight(role, layer), isVector: false),
            hasBias ? Require(names.Bias(role, layer), isVector: true) : null,
            spec.WeightOrientation);

        var embedding = Require(names.Weight(TensorRole.TokenEmbedding), isVector: false);
        var positions = spec.Position == PositionScheme.LearnedAbsolute
            ? Require(names.Weight(TensorRole.PositionEmbedding), isVector: false)
            : null;
        var blocks = new TransformerBlock[spec.LayerCount];
        var fused = spec.QkvPacking != QkvPacking.Separate;
        for (var l = 0; l < spec.LayerCount; l++)
        {
            blocks[l] = new TransformerBlock(
                l,
                Norm(TensorRole.AttentionNorm, l),
                spec.Residual == ResidualKind.ParallelSharedNorm ? null : Norm(TensorRole.MlpNorm, l),
                fused ? Linear(TensorRole.FusedQkv, l, spec.Biases.Qkv) : null,
                fused ? null : Linear(TensorRole.Query, l, spec.Biases.Qkv),
                fused ? null : Linear(TensorRole.Key, l, spec.Biases.Qkv),
                fused ? null : Linear(TensorRole.Value, l, spec.Biases.Qkv),
                Linear(TensorRole.AttentionOut, l, spec.Biases.AttentionOut),
                Linear(TensorRole.MlpUp, l, spec.Biases.Mlp),
                spec.Mlp == MlpKind.Gated ? Linear(TensorRole.MlpGate, l, spec.Biases.Mlp) : null,
                Linear(TensorRole.MlpDown, l, spec.Biases.Mlp));
        }
        var finalNorm = Norm(TensorRole.FinalNorm, 0);
        // The head is [vocab, hidden] = [out, in] in every architecture, Conv1D ones included.
        var headWeight = spec.TiedEmbeddings ? embedding : Require(names.Weight(TensorRole.LmHead), isVector: false);
        var headBias = spec.Biases.LmHead ? Require(names.Bias(TensorRole.LmHead), isVector: true) : null;
        var head = new LinearWeight(headWeight, headBias, WeightOrientation.OutputByInput);
        return new Transformer(spec, embedding, positions, blocks, finalNorm, head, storage);
    }
}
