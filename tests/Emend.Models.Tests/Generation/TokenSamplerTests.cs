using Emend.Models.Generation;

namespace Emend.Models.Tests.Generation;

public class TokenSamplerTests
{
    private static readonly float[] Logits = [0.1f, 2.0f, -1.0f, 1.5f, 3.0f, 0.0f];

    [Fact]
    public void GreedyTakesTheArgMaxAndTheLowestIdOnTies()
    {
        Assert.Equal(4, new TokenSampler(SamplingOptions.Greedy, Logits.Length).Next(Logits));
        Assert.Equal(1, TokenSampler.ArgMax([0f, 5f, 5f]));
    }

    [Fact]
    public void TopKSamplesOnlyAmongTheKLargest()
    {
        var sampler = new TokenSampler(new SamplingOptions { TopK = 2, Seed = 9 }, Logits.Length);
        var seen = Enumerable.Range(0, 400).Select(_ => sampler.Next(Logits)).ToHashSet();
        Assert.Equal(new HashSet<int> { 4, 1 }, seen);
    }

    [Fact]
    public void TopPKeepsTheSmallestNucleusReachingP()
    {
        // Probabilities ∝ exp(logits): token 4 holds 0.56, token 1 0.21, token 3 0.13 — p = 0.7 keeps {4, 1}.
        var sampler = new TokenSampler(new SamplingOptions { TopP = 0.7, Seed = 3 }, Logits.Length);
        var seen = Enumerable.Range(0, 400).Select(_ => sampler.Next(Logits)).ToHashSet();
        Assert.Equal(new HashSet<int> { 4, 1 }, seen);
    }

    [Fact]
    public void SamplingFrequenciesFollowTheSoftmax()
    {
        var sampler = new TokenSampler(new SamplingOptions { Seed = 5, Temperature = 2 }, Logits.Length);
        var counts = new int[Logits.Length];
        const int draws = 20000;
        for (var i = 0; i < draws; i++) counts[sampler.Next(Logits)]++;
        var weights = Logits.Select(l => Math.Exp(l / 2.0)).ToArray();
        for (var t = 0; t < Logits.Length; t++)
            Assert.Equal(weights[t] / weights.Sum(), counts[t] / (double)draws, 0.015);
    }

    [Fact]
    public void TheSameSeedAndSequenceIndexRepeatTheDraws()
    {
        var options = new SamplingOptions { TopK = 4, Seed = 42 };
        int[] Draw(int index)
        {
            var sampler = new TokenSampler(options, Logits.Length, index);
            return Enumerable.Range(0, 50).Select(_ => sampler.Next(Logits)).ToArray();
        }
        Assert.Equal(Draw(0), Draw(0));
        Assert.NotEqual(Draw(0), Draw(1));
    }

    [Fact]
    public void InvalidSettingsNameTheSetting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(new SamplingOptions { TopP = 0 }, 4));
        Assert.Equal("TopP", error.ParamName);
    }
}
