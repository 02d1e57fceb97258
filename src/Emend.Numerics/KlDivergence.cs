using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Emend.Numerics.Lanes;

namespace Emend.Numerics;

/// <summary>
/// KL(P_ref ‖ P) per row with P = softmax(logits) and P_ref given by fixed log-probabilities: the "essence drift"
/// term of ROME/MEMIT that keeps an edited model's predictions on a neutral prompt close to the original's.
/// Entries with P_ref = 0 (log-probability −∞) contribute nothing, by the convention 0·log 0 = 0.
/// </summary>
public static class KlDivergence
{
    /// <summary>losses[r] = Σ_j p_ref·(log p_ref − log p), summed in float64.</summary>
    public static void Forward(ReadOnlySpan<float> logits, ReadOnlySpan<float> referenceLogProbs, Span<float> losses, int vocab)
    {
        var rows = CheckShapes(logits.Length, referenceLogProbs.Length, vocab);
        OpArguments.RequireLength(losses.Length, rows, nameof(losses), "one per row of logits");
        if (Vector512.IsHardwareAccelerated) Forward<Float512, Double512>(logits, referenceLogProbs, losses, vocab);
        else if (Vector256.IsHardwareAccelerated) Forward<Float256, Double256>(logits, referenceLogProbs, losses, vocab);
        else Forward<Float128, Double128>(logits, referenceLogProbs, losses, vocab);
    }

    /// <summary>
    /// dLogits[r] = (p·Σp_ref − p_ref)·dLoss[r], overwritten; it may be logits itself. Σp_ref is 1 for a normalised
    /// reference, but is measured rather than assumed so the gradient matches the loss that Forward computes.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> logits, ReadOnlySpan<float> referenceLogProbs, ReadOnlySpan<float> dLoss,
        Span<float> dLogits, int vocab)
    {
        var rows = CheckShapes(logits.Length, referenceLogProbs.Length, vocab);
        OpArguments.RequireLength(dLoss.Length, rows, nameof(dLoss), "one per row of logits");
        OpArguments.RequireLength(dLogits.Length, logits.Length, nameof(dLogits), "the length of logits");
        if (Vector512.IsHardwareAccelerated) Backward<Float512, Double512>(logits, referenceLogProbs, dLoss, dLogits, vocab);
        else if (Vector256.IsHardwareAccelerated) Backward<Float256, Double256>(logits, referenceLogProbs, dLoss, dLogits, vocab);
        else Backward<Float128, Double128>(logits, referenceLogProbs, dLoss, dLogits, vocab);
    }

    internal static void Forward<TF, TD>(ReadOnlySpan<float> logits, ReadOnlySpan<float> referenceLogProbs, Span<float> losses, int vocab)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var r = 0; r < losses.Length; r++)
        {
            var row = logits.Slice(r * vocab, vocab);
            var (max, sumExp) = LogSumExp.Of<TF, TD>(row);
            var kernel = new DivergenceTerms(max + Math.Log(sumExp));
            losses[r] = (float)LaneLoops.Sum<TF, TD, DivergenceTerms>(kernel, row, referenceLogProbs.Slice(r * vocab, vocab));
        }
    }

    internal static void Backward<TF, TD>(ReadOnlySpan<float> logits, ReadOnlySpan<float> referenceLogProbs, ReadOnlySpan<float> dLoss,
        Span<float> dLogits, int vocab)
        where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
    {
        for (var r = 0; r < dLoss.Length; r++)
        {
            var reference = referenceLogProbs.Slice(r * vocab, vocab);
            var dRow = dLogits.Slice(r * vocab, vocab);
            var sumExp = LogSumExp.Exponentiate<TF, TD>(logits.Slice(r * vocab, vocab), dRow);
            var referenceMass = LaneLoops.Sum<TF, TD, ExpTerms>(default, reference);
            var kernel = new DivergenceGradient((float)(dLoss[r] * referenceMass / sumExp), dLoss[r]);
            LaneLoops.Map<TF, TD, DivergenceGradient>(kernel, dRow, reference, dRow);
        }
    }

    private static int CheckShapes(int logitsLength, int referenceLength, int vocab)
    {
        var rows = OpArguments.Rows(logitsLength, vocab, "logits");
        OpArguments.RequireLength(referenceLength, logitsLength, "referenceLogProbs", "the length of logits");
        return rows;
    }

    /// <summary>Terms p_ref·(log p_ref − (x − logsumexp)) in float64; zero where p_ref = 0.</summary>
    private readonly struct DivergenceTerms(double logSumExp) : IBinaryTerms
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Terms<TF, TD>(TF x, TF referenceLogProb, out TD lower, out TD upper)
            where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD>
        {
            x.Widen(out var xLow, out var xHigh);
            referenceLogProb.Widen(out var refLow, out var refHigh);
            lower = Term(xLow, refLow);
            upper = Term(xHigh, refHigh);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private TD Term<TD>(TD x, TD referenceLogProb) where TD : struct, IDoubleLanes<TD>
        {
            var probability = Exponential.Of(referenceLogProb);
            var term = probability * (referenceLogProb - x + TD.Create(logSumExp));
            return TD.Select(TD.EqualTo(probability, TD.Create(0)), TD.Create(0), term);
        }
    }

    /// <summary>e·scale − dLoss·p_ref, from e = exp(x − max) and scale = dLoss·Σp_ref/Σe.</summary>
    private readonly struct DivergenceGradient(float scale, float dLoss) : IBinaryMap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TF Apply<TF, TD>(TF exponential, TF referenceLogProb) where TF : struct, IFloatLanes<TF, TD> where TD : struct, IDoubleLanes<TD> =>
            exponential * TF.Create(scale) - TF.Create(dLoss) * Exponential.Of<TF, TD>(referenceLogProb);
    }
}
