using Emend.Models.Runtime;

namespace Emend.Models.Tests.Runtime;

/// <summary>The forward pass of every architecture against HF's own outputs on the reference batch.</summary>
public class HfFixtureForwardTests
{
    public static TheoryData<string> Architectures => new() { "gpt2", "llama", "gpt_neox", "gptj", "qwen2" };

    [SkippableTheory]
    [MemberData(nameof(Architectures))]
    public void LogitsHiddenStatesKeysAndMlpOutputsMatchHf(string arch)
    {
        using var reference = new HfReference(arch);
        using var model = Transformer.Load(reference.Directory);
        var batch = TokenBatch.RightPadded(reference.Sequences);
        var rows = HfReference.RealRows().Select(r => batch.Row(r.Sequence, r.Position)).ToArray();
        var result = model.Forward(batch, new ForwardOptions
        {
            LogitRows = rows,
            HiddenStates = true,
            Captures = [new ActivationCapture(1, ActivationSite.MlpKey, rows), new ActivationCapture(1, ActivationSite.MlpOutput, rows)],
        });

        Tolerance.AssertClose(reference.Float("logits"), result.Logits, $"{arch} logits");
        var d = model.Spec.HiddenSize;
        var allPositions = reference.Float("hidden_states_all_positions");
        var lastToken = reference.Float("hidden_states_last_token");
        for (var index = 0; index < 5; index++)
        {
            var state = result.HiddenStates![index];
            var gathered = rows.SelectMany(r => state.AsSpan(r * d, d).ToArray()).ToArray();
            Tolerance.AssertClose(allPositions.AsSpan(index * rows.Length * d, rows.Length * d), gathered, $"{arch} hidden state {index}");
            var last = Enumerable.Range(0, 3).SelectMany(s => state.AsSpan(batch.LastRow(s) * d, d).ToArray()).ToArray();
            Tolerance.AssertClose(lastToken.AsSpan(index * 3 * d, 3 * d), last, $"{arch} last-token hidden state {index}");
        }
        Tolerance.AssertClose(reference.Float("layer1_mlp_key"), result.Captures[0], $"{arch} layer-1 MLP key");
        Tolerance.AssertClose(reference.Float("layer1_mlp_out"), result.Captures[1], $"{arch} layer-1 MLP output");
    }

    [SkippableTheory]
    [InlineData("gpt2", "fp16")]
    [InlineData("gpt2", "bf16")]
    [InlineData("llama", "fp16")]
    [InlineData("llama", "bf16")]
    public void SixteenBitCheckpointsStaySixteenBitAndMatchHfUpcastLogits(string arch, string precision)
    {
        using var reference = new HfReference(arch);
        using var model = Transformer.Load(Path.Combine(reference.Directory, $"model.{precision}.safetensors"));
        Assert.Equal(precision == "fp16" ? Numerics.ElementType.Float16 : Numerics.ElementType.BFloat16, model.Blocks[0].Down.Weight.Base.Type);
        Assert.False(model.Blocks[0].Down.Weight.IsOwnedFloat32);
        var batch = TokenBatch.RightPadded(reference.Sequences);
        var rows = HfReference.RealRows().Select(r => batch.Row(r.Sequence, r.Position)).ToArray();
        var result = model.Forward(batch, new ForwardOptions { LogitRows = rows });
        Tolerance.AssertClose(reference.Float($"logits_from_{precision}_weights"), result.Logits, $"{arch} {precision} logits");
    }

    [SkippableFact]
    public void ShardedLlamaEqualsTheSingleFile()
    {
        using var reference = new HfReference("llama");
        using var single = Transformer.Load(reference.Directory);
        using var sharded = Transformer.Load(Path.Combine(Path.GetDirectoryName(reference.Directory)!, "llama_sharded"));
        var batch = TokenBatch.RightPadded(reference.Sequences);
        Assert.Equal(single.Forward(batch).Logits, sharded.Forward(batch).Logits);
    }
}
