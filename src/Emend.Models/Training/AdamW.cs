using System.Numerics;

namespace Emend.Models.Training;

/// <summary>
/// The AdamW optimiser (Loshchilov &amp; Hutter) with PyTorch's update order: decay the weights by lr·λ, update the
/// first and second moments, then step by lr·m̂/(√v̂ + ε). It updates float32 parameters in place, and it is used
/// both for whole-model training and for small vectors (the δ of a target-value optimisation).
/// </summary>
public sealed class AdamW
{
    private readonly IReadOnlyList<float[]> _parameters;
    private readonly bool[] _decay;
    private readonly float[][] _m;
    private readonly float[][] _v;
    private readonly AdamWOptions _options;

    /// <param name="parameters">The tensors to optimise, in a fixed order that <see cref="Step"/>'s gradients follow.</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="applyWeightDecay">Per parameter, whether weight decay applies (norm gains and biases usually
    /// do not); null applies it to all.</param>
    public AdamW(IReadOnlyList<float[]> parameters, AdamWOptions options, IReadOnlyList<bool>? applyWeightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (applyWeightDecay is not null && applyWeightDecay.Count != parameters.Count)
            throw new ArgumentException($"{applyWeightDecay.Count} weight-decay flags for {parameters.Count} parameters", nameof(applyWeightDecay));
        _parameters = parameters;
        _options = options;
        _decay = new bool[parameters.Count];
        _m = new float[parameters.Count][];
        _v = new float[parameters.Count][];
        for (var i = 0; i < parameters.Count; i++)
        {
            _decay[i] = applyWeightDecay?[i] ?? true;
            _m[i] = new float[parameters[i].Length];
            _v[i] = new float[parameters[i].Length];
        }
    }

    /// <summary>Number of steps taken so far (the t in the bias corrections).</summary>
    public int StepCount { get; private set; }

    /// <summary>One update with <paramref name="gradients"/> (same order and sizes as the parameters).</summary>
    public void Step(IReadOnlyList<float[]> gradients, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (gradients.Count != _parameters.Count)
            throw new ArgumentException($"{gradients.Count} gradients for {_parameters.Count} parameters", nameof(gradients));
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be non-negative");
        StepCount++;
        var b1 = (float)_options.Beta1;
        var b2 = (float)_options.Beta2;
        var stepSize = (float)(learningRate / (1 - Math.Pow(_options.Beta1, StepCount)));
        var rootCorrection = (float)Math.Sqrt(1 - Math.Pow(_options.Beta2, StepCount));
        var eps = (float)_options.Epsilon;
        for (var i = 0; i < _parameters.Count; i++)
        {
            if (gradients[i].Length != _parameters[i].Length)
                throw new ArgumentException($"gradient {i} has {gradients[i].Length} elements but its parameter has {_parameters[i].Length}", nameof(gradients));
            var keep = _decay[i] ? (float)(1 - learningRate * _options.WeightDecay) : 1f;
            Update(_parameters[i], gradients[i], _m[i], _v[i], keep, b1, b2, stepSize, rootCorrection, eps);
        }
    }

    /// <summary>
    /// Scales all gradients so that their joint L2 norm is at most <paramref name="maxNorm"/> (as
    /// torch.nn.utils.clip_grad_norm_); returns the norm before clipping.
    /// </summary>
    public static double ClipGradientNorm(IReadOnlyList<float[]> gradients, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        double sum = 0;
        foreach (var g in gradients)
            foreach (var x in g)
                sum += (double)x * x;
        var norm = Math.Sqrt(sum);
        var scale = maxNorm / (norm + 1e-6);
        if (scale < 1)
            foreach (var g in gradients)
                for (var j = 0; j < g.Length; j++)
                    g[j] = (float)(g[j] * scale);
        return norm;
    }

    // p ← p·keep; m ← b1·m + (1−b1)·g; v ← b2·v + (1−b2)·g²; p ← p − stepSize·m / (√v / rootCorrection + ε)
    private static void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float keep, float b1, float b2, float stepSize, float rootCorrection, float eps)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = Vector<float>.Count;
            var vb1 = new Vector<float>(b1);
            var vb1c = new Vector<float>(1 - b1);
            var vb2 = new Vector<float>(b2);
            var vb2c = new Vector<float>(1 - b2);
            var vKeep = new Vector<float>(keep);
            var vStep = new Vector<float>(stepSize);
            var vInvRoot = new Vector<float>(1 / rootCorrection);
            var vEps = new Vector<float>(eps);
            for (; i <= p.Length - w; i += w)
            {
                var gi = new Vector<float>(g[i..]);
                var mi = vb1 * new Vector<float>(m[i..]) + vb1c * gi;
                var vi = vb2 * new Vector<float>(v[i..]) + vb2c * gi * gi;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                var denominator = Vector.SquareRoot(vi) * vInvRoot + vEps;
                (new Vector<float>(p[i..]) * vKeep - vStep * mi / denominator).CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            p[i] = p[i] * keep - stepSize * m[i] / (MathF.Sqrt(v[i]) / rootCorrection + eps);
        }
    }
}
