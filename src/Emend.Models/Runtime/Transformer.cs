using Emend.Models.Architecture;
using Emend.Numerics;

namespace Emend.Models.Runtime;

/// <summary>
/// A causal language model run by one transformer loop whose behaviour is fixed by data (a
/// <see cref="TransformerSpec"/>), not by a subclass per architecture. It
/// computes batched forward passes (logits, hidden states, MLP keys/outputs, interventions), explicit backward passes
/// (gradients w.r.t. interventions and any chosen parameters) and KV-cached decoding.
/// </summary>
/// <remarks>
/// An instance reuses its workspaces between calls, so it serves one caller at a time (kernels use all threads).
/// Weights are views into the memory-mapped checkpoint unless materialised as float32; the instance owns the
/// mapping and releases it on <see cref="Dispose"/>.
/// </remarks>
public sealed partial class Transformer : IDisposable
{
    private readonly TransformerSpec _spec;
    private readonly float _normEpsilon;
    private readonly GeluKind _geluKind;
    private readonly RotaryEmbedding? _rotary;
    private readonly FusedQkvLayout _fusedQkv;
    private readonly IDisposable? _storage;
    private readonly Dictionary<string, ModelParameter> _parametersByName;
    private readonly Dictionary<ModelParameter, int> _parameterLayer;

    internal Transformer(TransformerSpec spec, ModelParameter embedding, ModelParameter? positionEmbedding,
        IReadOnlyList<TransformerBlock> blocks, NormWeights finalNorm, LinearWeight head, IDisposable? storage)
    {
        ValidateSpec(spec);
        if (blocks.Count != spec.LayerCount)
            throw new InvalidDataException($"the spec declares {spec.LayerCount} layers but {blocks.Count} blocks were bound");
        _spec = spec;
        _normEpsilon = (float)spec.NormEpsilon;
        _geluKind = spec.Activation == ActivationKind.GeluErf ? GeluKind.Erf : GeluKind.Tanh;
        Embedding = embedding;
        PositionEmbedding = positionEmbedding;
        Blocks = blocks;
        FinalNorm = finalNorm;
        Head = head;
        _storage = storage;
        _rotary = spec.Rotary is { } r ? new RotaryEmbedding(spec.HeadDim, r.Dimensions, r.Theta, r.Layout) : null;
        _fusedQkv = new FusedQkvLayout(spec);
        _parameterLayer = CollectParameters(out var ordered);
        Parameters = ordered;
        _parametersByName = ordered.ToDictionary(p => p.Name, StringComparer.Ordinal);
        CheckShapes();
    }

    /// <summary>The architecture: sizes, kinds and HF tensor names.</summary>
    public TransformerSpec Spec => _spec;

    /// <summary>Token embedding table [vocabulary, hidden].</summary>
    public ModelParameter Embedding { get; }

    /// <summary>Learned absolute position table [positions, hidden] (GPT-2), or null for rotary models.</summary>
    public ModelParameter? PositionEmbedding { get; }

    public IReadOnlyList<TransformerBlock> Blocks { get; }

    public NormWeights FinalNorm { get; }

    /// <summary>The output projection; its weight is <see cref="Embedding"/> itself when the head is tied.</summary>
    public LinearWeight Head { get; }

    /// <summary>Every distinct tensor (a tied head appears once, as the embedding), in a fixed order.</summary>
    public IReadOnlyList<ModelParameter> Parameters { get; }

    /// <summary>The tensor with this HF name.</summary>
    /// <exception cref="KeyNotFoundException">The model has no such tensor.</exception>
    public ModelParameter GetParameter(string name) =>
        _parametersByName.TryGetValue(name, out var p) ? p : throw new KeyNotFoundException($"the model has no tensor named '{name}'");

    /// <summary>When set, every pass adds the wall time of its sections to it (a breakdown of where time goes); null by default.</summary>
    public RuntimeProfile? Profile { get; set; }

    /// <summary>Total number of stored elements (a tied head counted once).</summary>
    public long ParameterCount => Parameters.Sum(p => p.ElementCount);

    /// <summary>Replaces every base tensor by an owned float32 copy: for training, or for speed when memory allows.</summary>
    public void MaterializeFloat32()
    {
        foreach (var p in Parameters) p.MaterializeFloat32();
    }

    public void Dispose() => _storage?.Dispose();

    /// <summary>The block a parameter belongs to, −1 for the embeddings, the layer count for final norm and head.</summary>
    internal int LayerOf(ModelParameter parameter) =>
        _parameterLayer.TryGetValue(parameter, out var layer)
            ? layer
            : throw new ArgumentException($"parameter '{parameter.Name}' does not belong to this model", nameof(parameter));

    private ProfileScope Section(string name) => new(Profile, name);

    /// <summary>Width of a fused q|k|v projection's output.</summary>
    private int FusedQkvWidth => _spec.QueryWidth + 2 * _spec.KvWidth;

    /// <summary>Rejects the spec options this loop does not implement, instead of computing something else.</summary>
    private static void ValidateSpec(TransformerSpec spec)
    {
        if (spec.HeadCount % spec.KvHeadCount != 0)
            throw new InvalidDataException($"{spec.HeadCount} attention heads cannot be grouped over {spec.KvHeadCount} key/value heads");
        if (spec.QkvPacking == QkvPacking.FusedPerHead && spec.KvHeadCount != spec.HeadCount)
            throw new InvalidDataException("a per-head fused q|k|v projection needs as many key/value heads as query heads");
        if ((spec.Mlp == MlpKind.Gated) != (spec.Activation == ActivationKind.Silu))
            throw new InvalidDataException($"{spec.Mlp} MLPs with {spec.Activation} are not supported (gated MLPs use SiLU, plain MLPs GELU)");
        if ((spec.Position == PositionScheme.Rotary) != (spec.Rotary is not null))
            throw new InvalidDataException("a rotary position scheme needs rotary parameters, and only it");
    }

    private Dictionary<ModelParameter, int> CollectParameters(out List<ModelParameter> ordered)
    {
        var layers = new Dictionary<ModelParameter, int>();
        var list = new List<ModelParameter>();
        void Add(ModelParameter? p, int layer)
        {
            if (p is null || layers.ContainsKey(p)) return;
            layers.Add(p, layer);
            list.Add(p);
        }
        void AddLinear(LinearWeight? w, int layer)
        {
            Add(w?.Weight, layer);
            Add(w?.Bias, layer);
        }
        Add(Embedding, -1);
        Add(PositionEmbedding, -1);
        foreach (var b in Blocks)
        {
            Add(b.InputNorm.Weight, b.Index);
            Add(b.InputNorm.Bias, b.Index);
            AddLinear(b.QueryKeyValue, b.Index);
            AddLinear(b.Query, b.Index);
            AddLinear(b.Key, b.Index);
            AddLinear(b.Value, b.Index);
            AddLinear(b.AttentionOutput, b.Index);
            Add(b.PostAttentionNorm?.Weight, b.Index);
            Add(b.PostAttentionNorm?.Bias, b.Index);
            AddLinear(b.Gate, b.Index);
            AddLinear(b.Up, b.Index);
            AddLinear(b.Down, b.Index);
        }
        Add(FinalNorm.Weight, _spec.LayerCount);
        Add(FinalNorm.Bias, _spec.LayerCount);
        AddLinear(Head, _spec.LayerCount);
        ordered = list;
        return layers;
    }

    /// <summary>Fails at load, naming the tensor, when a weight's shape disagrees with the spec.</summary>
    private void CheckShapes()
    {
        var p = _spec;
        Expect(Embedding, p.VocabSize, p.HiddenSize);
        if (PositionEmbedding is not null && PositionEmbedding.Cols != p.HiddenSize)
            throw new InvalidDataException($"'{PositionEmbedding.Name}' has width {PositionEmbedding.Cols}, expected {p.HiddenSize}");
        ExpectNorm(FinalNorm);
        ExpectLinear(Head, p.HiddenSize, p.VocabSize);
        foreach (var b in Blocks)
        {
            ExpectNorm(b.InputNorm);
            if (b.PostAttentionNorm is not null) ExpectNorm(b.PostAttentionNorm);
            if (b.QueryKeyValue is not null) ExpectLinear(b.QueryKeyValue, p.HiddenSize, FusedQkvWidth);
            else
            {
                ExpectLinear(b.Query ?? throw Missing(b, "query"), p.HiddenSize, p.QueryWidth);
                ExpectLinear(b.Key ?? throw Missing(b, "key"), p.HiddenSize, p.KvWidth);
                ExpectLinear(b.Value ?? throw Missing(b, "value"), p.HiddenSize, p.KvWidth);
            }
            ExpectLinear(b.AttentionOutput, p.QueryWidth, p.HiddenSize);
            ExpectLinear(b.Up, p.HiddenSize, p.IntermediateSize);
            if (p.Mlp == MlpKind.Gated) ExpectLinear(b.Gate ?? throw Missing(b, "gate"), p.HiddenSize, p.IntermediateSize);
            ExpectLinear(b.Down, p.IntermediateSize, p.HiddenSize);
        }

        static InvalidDataException Missing(TransformerBlock b, string what) => new($"block {b.Index} has no {what} projection");
        void ExpectNorm(NormWeights n)
        {
            Expect(n.Weight, 1, p.HiddenSize);
            if (n.Bias is not null) Expect(n.Bias, 1, p.HiddenSize);
        }
        static void ExpectLinear(LinearWeight w, int inFeatures, int outFeatures)
        {
            if (w.InFeatures != inFeatures || w.OutFeatures != outFeatures)
                throw new InvalidDataException($"'{w.Weight.Name}' maps {w.InFeatures} → {w.OutFeatures} features, expected {inFeatures} → {outFeatures}");
        }
        static void Expect(ModelParameter t, int rows, int cols)
        {
            if (t.Rows != rows || t.Cols != cols)
                throw new InvalidDataException($"'{t.Name}' is [{t.Rows}, {t.Cols}], expected [{rows}, {cols}]");
        }
    }
}
