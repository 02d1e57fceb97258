using Emend.Models.Runtime;

namespace Emend.Models.Tests.Runtime;

/// <summary>An edit is a float32 delta beside the untouched base: the forward pass must equal one with W₀ + ΔW written in.</summary>
public class WeightDeltaTests
{
    [Theory]
    [InlineData("gpt2")]
    [InlineData("llama")]
    public void ForwardWithDeltaEqualsForwardWithTheSummedWeight(string arch)
    {
        using var edited = Transformer.Initialize(TinySpecs.Get(arch), seed: 1, standardDeviation: 0.5);
        using var summed = Transformer.Initialize(TinySpecs.Get(arch), seed: 1, standardDeviation: 0.5);
        var batch = TokenBatch.RightPadded([[1, 2, 3, 4], [5, 6]]);
        var before = edited.Forward(batch).Logits;

        var target = edited.Blocks[1].Down.Weight;
        var delta = Enumerable.Range(0, (int)target.ElementCount).Select(i => (float)Math.Sin(i)).ToArray();
        target.AddToDelta(delta);
        var summedValues = summed.Blocks[1].Down.Weight.Values;
        for (var i = 0; i < delta.Length; i++) summedValues[i] += delta[i];
        var original = target.Values.ToArray();

        Tolerance.AssertClose(summed.Forward(batch).Logits, edited.Forward(batch).Logits, $"{arch} logits with delta", 1e-5, 1e-6);
        Assert.Equal(original, target.Values);
        target.ClearDelta();
        Assert.Equal(before, edited.Forward(batch).Logits);
    }

    [Fact]
    public void DeltaOfTheWrongSizeIsRejectedWithTheTensorName()
    {
        using var model = Transformer.Initialize(TinySpecs.Get("llama"), seed: 1);
        var error = Assert.Throws<ArgumentException>(() => model.Blocks[0].Down.Weight.AddToDelta(new float[3]));
        Assert.Contains("model.layers.0.mlp.down_proj.weight", error.Message);
    }

    [Fact]
    public void BackwardAfterAnotherForwardIsRefused()
    {
        using var model = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 1);
        var batch = TokenBatch.RightPadded([[1, 2, 3]]);
        var first = model.Forward(batch, new ForwardOptions { KeepForBackward = true });
        model.Forward(batch);
        Assert.Throws<InvalidOperationException>(() => model.Backward(first, new float[first.Logits.Length]));
    }
}
