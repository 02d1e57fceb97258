using Emend.Models.Runtime;

namespace Emend.Models.Tests.Runtime;

/// <summary>Training loops reuse the logits array and the gradient arrays between steps; reuse must not change a value.</summary>
public class ReusedBufferTests
{
    private static readonly TokenBatch Batch = TokenBatch.RightPadded([[1, 2, 3, 4], [5, 6, 7]]);

    [Fact]
    public void ForwardIntoACallersArrayGivesTheSameLogitsInThatArray()
    {
        using var model = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 3, standardDeviation: 0.5);
        var expected = model.Forward(Batch).Logits;
        var buffer = new float[expected.Length];
        Array.Fill(buffer, float.NaN);
        var result = model.Forward(Batch, ForwardOptions.Default, buffer);
        Assert.Same(buffer, result.Logits);
        Assert.Equal(expected, buffer);
    }

    [Fact]
    public void ForwardRejectsALogitsArrayOfTheWrongSize()
    {
        using var model = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 3);
        var options = new ForwardOptions { LogitRows = [0, 5] };
        var error = Assert.Throws<ArgumentException>(() => model.Forward(Batch, options, new float[3 * model.Spec.VocabSize]));
        Assert.Equal("logits", error.ParamName);
        Assert.Contains("2 rows", error.Message);
    }

    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void BackwardAddsIntoReusedGradientsAndClearZeroesThem(string arch)
    {
        using var model = Transformer.Initialize(TinySpecs.Get(arch), seed: 5, standardDeviation: 0.5);
        var options = new ForwardOptions
        {
            KeepForBackward = true,
            Interventions = [new Intervention(1, ActivationSite.MlpOutput, [1], Enumerable.Repeat(0.1f, model.Spec.HiddenSize).ToArray())],
        };
        var targets = Enumerable.Range(0, Batch.RowCount).Select(r => (r * 5 + 1) % model.Spec.VocabSize).ToArray();
        var dLogits = new float[Batch.RowCount * model.Spec.VocabSize];
        var result = model.Forward(Batch, options);
        LogitLoss.NegativeLogLikelihood(result.Logits, targets, model.Spec.VocabSize, dLogits);
        var fresh = model.Backward(result, dLogits, model.Parameters);

        var accumulator = model.CreateGradients(model.Parameters);
        var first = model.Backward(result, dLogits, accumulator);
        var second = model.Backward(result, dLogits, accumulator);
        foreach (var p in model.Parameters)
        {
            Assert.Same(accumulator[p], second[p]);
            // A tensor fed by several products (the tied embedding) rounds the second pass's sum differently.
            Tolerance.AssertClose(fresh[p].Select(g => 2 * g).ToArray(), accumulator[p], $"{p.Name} after two passes", 1e-6, 1e-7);
        }
        Assert.Equal(fresh.Interventions[0], first.Interventions[0]);
        Assert.Equal(fresh.Interventions[0], second.Interventions[0]);
        Assert.NotSame(first.Interventions[0], second.Interventions[0]);

        accumulator.Clear();
        Assert.All(model.Parameters, p => Assert.All(accumulator[p], g => Assert.Equal(0f, g)));
    }

    [Fact]
    public void GradientsForAnotherModelsParameterAreRefused()
    {
        using var model = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 1);
        using var other = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 1);
        var error = Assert.Throws<ArgumentException>(() => model.CreateGradients([other.Embedding]));
        Assert.Contains(other.Embedding.Name, error.Message);
    }
}
