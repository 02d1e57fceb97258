namespace Emend.Models.Tests.Runtime;

/// <summary>Mean token NLL over logits rows and its gradient, in float64: an oracle independent of the library's loss ops.</summary>
internal static class ReferenceLoss
{
    public static (double Loss, float[] DLogits) MeanNll(ReadOnlySpan<float> logits, IReadOnlyList<int> targets, int vocab)
    {
        var rows = targets.Count;
        var dLogits = new float[rows * vocab];
        double loss = 0;
        for (var r = 0; r < rows; r++)
        {
            var row = logits.Slice(r * vocab, vocab);
            double max = double.NegativeInfinity;
            foreach (var x in row) max = Math.Max(max, x);
            double sum = 0;
            foreach (var x in row) sum += Math.Exp(x - max);
            var lse = max + Math.Log(sum);
            loss += lse - row[targets[r]];
            for (var j = 0; j < vocab; j++)
                dLogits[r * vocab + j] = (float)((Math.Exp(row[j] - lse) - (j == targets[r] ? 1 : 0)) / rows);
        }
        return (loss / rows, dLogits);
    }
}
