using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using Emend.Numerics.Lanes;

namespace Emend.Numerics;

/// <summary>
/// Per-row negative log-likelihood of a target id under softmax(logits): the next-token loss, with vocabulary-wide
/// rows. Log-sum-exp is accumulated in float64, and the target's gradient is formed as −Σ_{j≠t} p_j rather than
/// p_t − 1, so it stays accurate as the model grows confident (p_t → 1), which is exactly where editing drives it.
/// </summary>
public static class CrossEntropy
{
    /// <summary>losses[r] = logsumexp(logits[r]) − logits[r, targets[r]].</summary>
    public static void Forward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses, int vocab)
    {
        var rows = CheckShapes(logits.Length, targets, vocab);
        OpArguments.RequireLength(losses.Length, rows, nameof(losses), "one per row of logits");
        if (Vector512.IsHardwareAccelerated) Forward<Float512, Double512>(logits, targets, losses, vocab);
        else if (Vector256.IsHardwareAccelerated) Forward<Float256, Double256>(logits, targets, losses, vocab);
        else Forward<Float128, Double128>(logits, targets, losses, vocab);
    }

    /// <summary>dLogits[r] = (softmax(logits[r]) − onehot(targets[r]))·dLoss[r], overwritten; it may be logits itself.</summary>
    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> dLoss, Span<float> dLogits, int vocab)
    {
        var rows = CheckShapes(logits.Length, targets, vocab);
        OpArguments.RequireLength(dLoss.Length, rows, nameof(dLoss), "one per row of logits");
        OpArguments.RequireLength(dLogits.Length, logits.Length, nameof(dLogits), "the length of logits");
        if (Vector512.IsHardwareAccelerated) Backward<Float512, Double512>(logits, targets, dLoss, dLogits, vocab);
        else if (Vector256.IsHardwareAccelerated) Backward<Float256, Double256>(logits, targets, dLoss, dLogits, vocab);
        else Backward<Float128, Double128>(logits, targets, dLoss, dLogits, vocab);
    }

    /// <summary>
    /// Forward and backward together, for training: one exponential pass per row instead of two. The loss is taken
    /// from the float32 exponentials the gradient needs anyway (summed in float64), so it carries their error, about
    /// ε·Σ_j p_j·(|x_j − max| + 2) nats, where <see cref="Forward"/> is float64 throughout; at the sizes of a
    /// language-model vocabulary that halves the cost of the loss. dLogits may be logits itself.
    /// </summary>
    public static void ForwardBackward(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> dLoss,
        Span<float> losses, Span<float> dLogits, int vocab)
    {
        var rows = CheckShapes(logits.Length, targets, vocab);
        OpArguments.RequireLength(dLoss.Length, rows, nameof(dLoss), "one per row of logits");
        OpArguments.RequireLength(losses.Length, rows, nameof(losses), "one per row of logits");
        OpArguments.RequireLength(dLogits.Length, logits.Length, nameof(dLogits), "the length of logits");
        if (Vector512.IsHardwareAccelerated) ForwardBackward<Float512, Double512>(logits, targets, dLoss, losses, dLogits, vocab);
        else if (Vector256.IsHardwareAccelerated) ForwardBackward<Float256, Double256>(logits, targets, dLoss, losses, dLogits, vocab);
        else ForwardBackward<Float128, Double128>(logits, targets, dLoss, losses, dLogits, vocab);
    }

    internal static void ForwardBackward<TF, TD>(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> dLoss,
        Span<float> losses, Span<float> dLogits, int vocab)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var r = 0; r < targets.Length; r++)
        {
            var target = targets[r];
            var row = logits.Slice(r * vocab, vocab);
            var max = TensorPrimitives.Max(row);
            var targetShift = (double)row[target] - max;
            var dRow = dLogits.Slice(r * vocab, vocab);
            var sumExp = LogSumExp.Exponentiate<TF, TD>(row, max, dRow);
            losses[r] = (float)(Math.Log(sumExp) - targetShift);
            ScaleToGradient(dRow, target, sumExp, dLoss[r]);
        }
    }

    internal static void Forward<TF, TD>(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, Span<float> losses, int vocab)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var r = 0; r < targets.Length; r++)
        {
            var row = logits.Slice(r * vocab, vocab);
            var (max, sumExp) = LogSumExp.Of<TF, TD>(row);
            losses[r] = (float)(Math.Log(sumExp) - ((double)row[targets[r]] - max));
        }
    }

    internal static void Backward<TF, TD>(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, ReadOnlySpan<float> dLoss,
        Span<float> dLogits, int vocab)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var r = 0; r < targets.Length; r++)
        {
            var target = targets[r];
            var dRow = dLogits.Slice(r * vocab, vocab);
            var sumExp = LogSumExp.Exponentiate<TF, TD>(logits.Slice(r * vocab, vocab), dRow);
            ScaleToGradient(dRow, target, sumExp, dLoss[r]);
        }
    }

    /// <summary>Turns a row of exponentials into dLoss·(p − onehot); the target as −dLoss·Σ_{j≠t} p_j (see the class remarks).</summary>
    private static void ScaleToGradient(Span<float> exponentials, int target, double sumExp, float dLoss)
    {
        var othersExp = sumExp - exponentials[target];
        TensorPrimitives.Multiply(exponentials, (float)(dLoss / sumExp), exponentials);
        exponentials[target] = (float)(-dLoss * (othersExp / sumExp));
    }

    /// <summary>Checks the shapes and every target id before anything is written, so a bad id leaves outputs untouched.</summary>
    private static int CheckShapes(int logitsLength, ReadOnlySpan<int> targets, int vocab)
    {
        var rows = OpArguments.Rows(logitsLength, vocab, "logits");
        OpArguments.RequireLength(targets.Length, rows, nameof(targets), "one per row of logits");
        for (var r = 0; r < targets.Length; r++)
            if ((uint)targets[r] >= (uint)vocab)
                throw new ArgumentOutOfRangeException(nameof(targets), targets[r],
                    $"target id {targets[r]} of row {r} is outside the vocabulary [0, {vocab})");
        return rows;
    }
}
