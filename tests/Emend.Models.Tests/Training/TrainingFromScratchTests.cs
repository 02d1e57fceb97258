using Emend.Models.Architecture;
using Emend.Models.Generation;
using Emend.Models.Runtime;
using Emend.Models.Scoring;
using Emend.Models.Tests.Runtime;
using Emend.Models.Training;
using Emend.Numerics;

namespace Emend.Models.Tests.Training;

/// <summary>Tests that set process-wide compute settings; they run alone so that no other test sees the change.</summary>
[CollectionDefinition(nameof(ProcessWideComputeSettings), DisableParallelization = true)]
public sealed class ProcessWideComputeSettings;

/// <summary>
/// The runtime's acceptance test for training: a tiny GPT-2 trained from scratch with its own full backward and
/// AdamW memorises a synthetic fact set, with the loss only on the answer tokens (as factsworld was trained), and
/// a fixed seed on one thread gives the same loss curve bit for bit.
/// </summary>
[Collection(nameof(ProcessWideComputeSettings))]
public class TrainingFromScratchTests
{
    private const int Steps = 250;
    private const double LearningRate = 0.01;

    /// <summary>Mean NLL per answer token after training; chance level is ln(13) ≈ 2.6 for the object pieces.</summary>
    private const double FinalLossBound = 0.01;

    private const double RequiredRecall = 0.99;

    private static readonly SyntheticFactSet FactSet = SyntheticFactSet.Create(factCount: 96, subjects: 24, relations: 8, objectPieces: 12, seed: 2024);

    [Fact]
    public void TinyGpt2MemorisesSyntheticFactsDeterministicallyOnOneThread()
    {
        var previousThreads = ComputeSettings.ThreadCount;
        ComputeSettings.ThreadCount = 1;
        try
        {
            using var first = Transformer.Initialize(Spec, seed: 7);
            var firstCurve = Train(first);
            using var second = Transformer.Initialize(Spec, seed: 7);
            var secondCurve = Train(second);
            Assert.Equal(firstCurve, secondCurve);
            Assert.True(firstCurve[0] > 2, $"the untrained loss {firstCurve[0]} should be near chance");

            var pairs = FactSet.Facts.Select(f => ((IReadOnlyList<int>)f.Prompt, (IReadOnlyList<int>)f.Answer)).ToArray();
            var scores = first.ScoreContinuations(pairs);
            var finalLoss = -scores.Sum(s => s.SumLogProbability) / scores.Sum(s => s.Continuation.Length);
            Assert.True(finalLoss < FinalLossBound, $"final training loss {finalLoss} (last step {firstCurve[^1]})");
            var scoredRecall = scores.Count(s => s.IsGreedyMatch) / (double)scores.Length;
            Assert.True(scoredRecall >= RequiredRecall, $"teacher-forced greedy recall {scoredRecall}");

            var generated = first.Generate(pairs.Select(p => p.Item1).ToArray(), new GenerationOptions { MaxNewTokens = 3 });
            var generatedRecall = FactSet.Facts.Where((f, i) => generated.Tokens[i].SequenceEqual(f.Answer)).Count() / (double)pairs.Length;
            Assert.True(generatedRecall >= RequiredRecall, $"KV-cached greedy recall {generatedRecall}");
        }
        finally
        {
            ComputeSettings.ThreadCount = previousThreads;
        }
    }

    private static TransformerSpec Spec => TinySpecs.Get("gpt2") with
    {
        VocabSize = FactSet.VocabSize, HiddenSize = 32, HeadCount = 4, KvHeadCount = 4, HeadDim = 8, IntermediateSize = 128, MaxPositions = 8,
    };

    /// <summary>Full-batch AdamW on the answer tokens; returns the loss before each step.</summary>
    private static double[] Train(Transformer model)
    {
        var batch = TokenBatch.RightPadded(FactSet.Facts.Select(f => (IReadOnlyList<int>)[.. f.Prompt, .. f.Answer]).ToArray());
        var rows = new List<int>();
        var targets = new List<int>();
        for (var s = 0; s < FactSet.Facts.Count; s++)
        {
            var (prompt, answer) = FactSet.Facts[s];
            for (var t = 0; t < answer.Length; t++)
            {
                rows.Add(batch.Row(s, prompt.Length - 1 + t));
                targets.Add(answer[t]);
            }
        }
        var parameters = model.Parameters;
        var optimizer = new AdamW(parameters.Select(p => p.Values).ToArray(), new AdamWOptions { WeightDecay = 0.01 },
            parameters.Select(p => !p.IsVector).ToArray());
        var options = new ForwardOptions { LogitRows = rows, KeepForBackward = true };
        var curve = new double[Steps];
        var dLogits = new float[rows.Count * FactSet.VocabSize];
        for (var step = 0; step < Steps; step++)
        {
            var result = model.Forward(batch, options);
            curve[step] = LogitLoss.NegativeLogLikelihood(result.Logits, targets.ToArray(), FactSet.VocabSize, dLogits, 1f / rows.Count);
            var gradients = model.Backward(result, dLogits, parameters);
            optimizer.Step(parameters.Select(p => gradients[p]).ToArray(), LearningRate);
        }
        return curve;
    }
}
