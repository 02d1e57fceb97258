using Emend.Models.Generation;
using Emend.Models.Runtime;
using Emend.Models.Tests.Runtime;
using Emend.Models.Training;

namespace Emend.Models.Tests.Training;

/// <summary>Full backward + AdamW train a tiny GPT-2 from scratch until it recalls short "facts" greedily.</summary>
public class TrainingFromScratchTests
{
    [Fact]
    public void TinyGpt2MemorisesSequencesDeterministically()
    {
        var first = Train();
        var second = Train();
        Assert.Equal(first.Loss, second.Loss);
        Assert.True(first.Loss < 0.05, $"final loss {first.Loss}");
        Assert.True(first.Recalled, "greedy decoding should reproduce every trained continuation");
    }

    private static (double Loss, bool Recalled) Train()
    {
        var spec = TinySpecs.Get("gpt2") with { HiddenSize = 16, HeadDim = 8, IntermediateSize = 32 };
        using var model = Transformer.Initialize(spec, seed: 7, standardDeviation: 0.1);
        int[][] facts = [[1, 2, 3, 4, 5], [6, 2, 7, 8, 9], [10, 11, 3, 12, 0], [4, 5, 6, 7, 8]];
        var batch = TokenBatch.RightPadded(facts);
        var rows = new List<int>();
        var targets = new List<int>();
        for (var s = 0; s < facts.Length; s++)
            for (var t = 0; t + 1 < facts[s].Length; t++)
            {
                rows.Add(batch.Row(s, t));
                targets.Add(facts[s][t + 1]);
            }
        var parameters = model.Parameters;
        var optimizer = new AdamW(parameters.Select(p => p.Values).ToArray(), new AdamWOptions { WeightDecay = 0.01 },
            parameters.Select(p => !p.IsVector).ToArray());
        double loss = 0;
        for (var step = 0; step < 150; step++)
        {
            var result = model.Forward(batch, new ForwardOptions { LogitRows = rows, KeepForBackward = true });
            var dLogits = new float[result.Logits.Length];
            loss = LogitLoss.NegativeLogLikelihood(result.Logits, targets.ToArray(), spec.VocabSize, dLogits, 1f / rows.Count);
            var gradients = model.Backward(result, dLogits, parameters);
            optimizer.Step(parameters.Select(p => gradients[p]).ToArray(), learningRate: 0.02);
        }
        var generated = model.Generate(facts.Select(f => (IReadOnlyList<int>)f[..1]).ToArray(), new GenerationOptions { MaxNewTokens = 4 });
        var recalled = facts.Select((f, i) => generated.Tokens[i].SequenceEqual(f[1..])).All(x => x);
        return (loss, recalled);
    }
}
