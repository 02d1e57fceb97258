using Emend.Models.Benchmarking;
using Emend.Models.Tests.Runtime;

namespace Emend.Models.Tests.Benchmarking;

public class TransformerFlopsTests
{
    /// <summary>
    /// GPT-2 small has 124,439,808 parameters (tied head). Its GEMM weights are everything but the position table
    /// (1024·768), the per-layer biases (2304 + 768 + 3072 + 768) and norms (4·768), and the final norm (2·768).
    /// </summary>
    [Fact]
    public void Gpt2SmallLinearWeightsAreItsParametersLessPositionsBiasesAndNorms()
    {
        const long published = 124_439_808;
        const long notInGemms = 1024 * 768 + 12 * (2304 + 768 + 3072 + 768 + 4 * 768) + 2 * 768;
        Assert.Equal(published, Gpt2SmallShape.Spec.ParameterCount);
        Assert.Equal(published - notInGemms, TransformerFlops.LinearWeightElements(Gpt2SmallShape.Spec));
    }

    [Fact]
    public void GatedGroupedQueryModelCountsGateAndNarrowKeyValueProjections()
    {
        var spec = TinySpecs.Get("llama"); // hidden 8, 2 layers, 2 query heads and 1 key/value head of 4, MLP 12, vocab 13, untied head
        const long perLayer = 8 * 8 + 2 * 8 * 4 + 8 * 8 + 3 * 8 * 12;
        Assert.Equal(2 * perLayer + 13 * 8, TransformerFlops.LinearWeightElements(spec));
        Assert.Equal(2.0 * (2 * perLayer + 13 * 8) + 4.0 * 2 * 10 * 8, TransformerFlops.ForwardPerToken(spec, 10));
        Assert.Equal(3 * TransformerFlops.ForwardPerToken(spec, 10), TransformerFlops.TrainingStepPerToken(spec, 10));
    }
}
