using Emend.Models.Benchmarking;
using Emend.Models.Runtime;
using Emend.Models.Tests.Runtime;
using Emend.Numerics;

namespace Emend.Models.Tests.Benchmarking;

public class LoadMemoryTests
{
    private const string TinyGpt2Config = """
        { "model_type": "gpt2", "vocab_size": 13, "n_embd": 8, "n_layer": 2, "n_head": 2, "n_inner": 12, "n_positions": 16,
          "activation_function": "gelu_new", "layer_norm_epsilon": 1e-05 }
        """;

    [Fact]
    public void BFloat16ExportLoadsBackAsTheModelWithRoundedWeights()
    {
        using var directory = new TempDirectory();
        using var model = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 4, standardDeviation: 0.5);
        var bytes = BFloat16Export.Write(model, TinyGpt2Config, directory.Path, CancellationToken.None);
        Assert.Equal(new FileInfo(Path.Combine(directory.Path, "model.safetensors")).Length, bytes);

        foreach (var p in model.Parameters)
        {
            var halves = new ushort[p.Values.Length];
            HalfConversion.SingleToBFloat16(p.Values, halves);
            HalfConversion.BFloat16ToSingle(halves, p.Values);
        }
        using var loaded = Transformer.Load(directory.Path);
        Assert.Equal(ElementType.BFloat16, loaded.Blocks[0].Up.Weight.Base.Type);
        var batch = TokenBatch.RightPadded([[1, 2, 3, 4, 5]]);
        Tolerance.AssertClose(model.Forward(batch).Logits, loaded.Forward(batch).Logits, "bf16 export", 1e-5, 1e-6);
    }

    [Fact]
    public void Gpt2SmallCheckpointWriterRefusesAnotherShape()
    {
        using var model = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 4);
        using var directory = new TempDirectory();
        Assert.Throws<ArgumentException>(() => Gpt2SmallShape.WriteBFloat16Checkpoint(model, directory.Path));
    }

    [SkippableFact]
    public void ProbeReportsResidentMemoryOfLoadingAndOneForward()
    {
        Skip.IfNot(File.Exists("/proc/self/status"), "resident memory is read from /proc/self/status (Linux)");
        using var directory = new TempDirectory();
        using (var model = Transformer.Initialize(TinySpecs.Get("gpt2"), seed: 4))
            BFloat16Export.Write(model, TinyGpt2Config, directory.Path, CancellationToken.None);
        var report = LoadMemoryProbe.Measure(directory.Path, tokens: 4);
        // The kernel syncs per-thread RSS counters lazily, so two readings may disagree by a few pages per thread.
        const long counterSlack = 16 << 20;
        Assert.InRange(report.ResidentAfterLoadBytes, 1 << 20, report.PeakResidentBytes + counterSlack);
        Assert.True(LoadMemoryProbe.PeakResidentBytes() + counterSlack >= report.PeakResidentBytes);
    }
}
