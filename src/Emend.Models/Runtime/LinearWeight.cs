using Emend.Models.Architecture;
using Emend.Numerics;

namespace Emend.Models.Runtime;

/// <summary>
/// An affine map y = x·Wᵀ + b between activations of width <see cref="InFeatures"/> and <see cref="OutFeatures"/>,
/// over a weight stored either as [out, in] (nn.Linear) or as [in, out] (GPT-2's Conv1D). Every product is a GEMM
/// over all rows of the batch at once: one with the base weight (widened from 16 bits inside GEMM packing) and, for
/// an edited weight, one more with its float32 delta, so W₀ is never rewritten.
/// </summary>
public sealed class LinearWeight
{
    internal LinearWeight(ModelParameter weight, ModelParameter? bias, WeightOrientation orientation)
    {
        Weight = weight;
        Bias = bias;
        Orientation = orientation;
        var storedInByOut = orientation == WeightOrientation.InputByOutput;
        InFeatures = storedInByOut ? weight.Rows : weight.Cols;
        OutFeatures = storedInByOut ? weight.Cols : weight.Rows;
        if (bias is not null && bias.ElementCount != OutFeatures)
            throw new InvalidDataException($"bias '{bias.Name}' has {bias.ElementCount} elements but '{weight.Name}' has {OutFeatures} outputs");
    }

    public ModelParameter Weight { get; }

    public ModelParameter? Bias { get; }

    /// <summary>[in, out] for GPT-2's Conv1D (applied as x·W), [out, in] for nn.Linear (applied as x·Wᵀ).</summary>
    public WeightOrientation Orientation { get; }

    private bool StoredInByOut => Orientation == WeightOrientation.InputByOutput;

    public int InFeatures { get; }

    public int OutFeatures { get; }

    private Transpose ForwardTranspose => StoredInByOut ? Transpose.None : Transpose.Transposed;

    private Transpose BackwardTranspose => StoredInByOut ? Transpose.Transposed : Transpose.None;

    /// <summary>y[rows, out] = x[rows, in]·(W₀ + ΔW)ᵀ + b; with <paramref name="accumulate"/> the result is added to y.</summary>
    internal void Forward(ReadOnlySpan<float> x, Span<float> y, int rows, bool accumulate = false)
    {
        Multiply(ForwardTranspose, x, InFeatures, y, OutFeatures, rows, accumulate);
        if (Bias is not null && rows > 0) AddRowVector(y, Bias.Float32Values, rows);
    }

    /// <summary>dx[rows, in] (+)= dy[rows, out]·(W₀ + ΔW).</summary>
    internal void BackwardInput(ReadOnlySpan<float> dy, Span<float> dx, int rows, bool accumulate) =>
        Multiply(BackwardTranspose, dy, OutFeatures, dx, InFeatures, rows, accumulate);

    /// <summary>c[rows, width] (+)= a[rows, depth]·op(W₀ + ΔW): one GEMM with the stored base, one more with the delta.</summary>
    private void Multiply(Transpose transpose, ReadOnlySpan<float> a, int depth, Span<float> c, int width, int rows, bool accumulate)
    {
        if (rows == 0) return;
        Gemm.Sgemm(Transpose.None, transpose, rows, width, depth, 1f, a, depth, Weight.Base, accumulate ? 1f : 0f, c, width);
        if (Weight.Delta is { } delta)
            Gemm.Sgemm(Transpose.None, transpose, rows, width, depth, 1f, a, depth, delta, Weight.Cols, 1f, c, width);
    }

    /// <summary>Adds dL/dW (in the weight's stored layout) for one batch: dyᵀ·x for [out, in], xᵀ·dy for [in, out].</summary>
    internal void AccumulateWeightGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, int rows, Span<float> dWeight)
    {
        if (rows == 0) return;
        if (StoredInByOut)
            Gemm.Sgemm(Transpose.Transposed, Transpose.None, InFeatures, OutFeatures, rows, 1f, x, InFeatures,
                dy, OutFeatures, 1f, dWeight, OutFeatures);
        else
            Gemm.Sgemm(Transpose.Transposed, Transpose.None, OutFeatures, InFeatures, rows, 1f, dy, OutFeatures,
                x, InFeatures, 1f, dWeight, InFeatures);
    }

    /// <summary>Adds the column sums of dy (dL/db), row after row (the order a serial sum would take).</summary>
    internal void AccumulateBiasGradient(ReadOnlySpan<float> dy, int rows, Span<float> dBias)
    {
        for (var r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Add(dBias, dy.Slice(r * OutFeatures, OutFeatures), dBias);
    }

    private void AddRowVector(Span<float> y, ReadOnlySpan<float> bias, int rows)
    {
        for (var r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Add(y.Slice(r * OutFeatures, OutFeatures), bias, y.Slice(r * OutFeatures, OutFeatures));
    }
}
