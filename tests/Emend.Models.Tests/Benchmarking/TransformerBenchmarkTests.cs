using Emend.Models.Benchmarking;
using Emend.Models.Runtime;
using Emend.Models.Tests.Runtime;

namespace Emend.Models.Tests.Benchmarking;

public class TransformerBenchmarkTests
{
    [Fact]
    public void ReportsEveryRateAndABreakdownOfEachPass()
    {
        using var model = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 1);
        var options = new TransformerBenchmarkOptions
        {
            BatchSize = 3, SequenceLength = 5, PromptLength = 4, DecodeTokens = 100, Repeat = 1, Breakdown = true, ReferenceShape = (8, 8, 8),
        };
        var result = TransformerBenchmark.Run(model, "tiny", options);
        Assert.Equal(15, result.Tokens);
        Assert.Equal(13, result.DecodeTokens); // 16 positions hold a 4-token prompt and 12 cached new tokens
        Assert.Equal(TransformerFlops.ForwardPerToken(model.Spec, 5), result.ForwardFlopsPerToken);
        Assert.All(new[] { result.ReferenceGflops, result.ForwardGflops, result.ForwardBackwardGflops, result.DecodeTokensPerSecond },
            rate => Assert.True(double.IsFinite(rate) && rate > 0, $"rate {rate}"));
        Assert.Equal(result.ForwardGflops / result.ReferenceGflops, result.ForwardFractionOfSgemm, 12);
        Assert.Contains(result.ForwardBreakdown!, s => s.Name == "head" && s.Calls == 1);
        Assert.Contains(result.ForwardBackwardBreakdown!, s => s.Name == "attention backward" && s.Calls == 2);
        Assert.Contains(result.DecodeBreakdown!, s => s.Name == "attention" && s.Calls == 2 * 13);
        Assert.Null(model.Profile);
    }

    [Fact]
    public void RefusesSequencesLongerThanThePositionTable()
    {
        using var model = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 1);
        var error = Assert.Throws<ArgumentException>(() => TransformerBenchmark.Run(model, "tiny", new TransformerBenchmarkOptions { SequenceLength = 17 }));
        Assert.Contains("16 positions", error.Message);
    }
}
