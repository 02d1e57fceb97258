using Emend.Models.Runtime;

namespace Emend.Models.Tests.Runtime;

/// <summary>
/// The README's loss (mean NLL of sequence 0's tokens 4..6, δ added to block 1's MLP output at sequence 0,
/// position 3) and its gradients w.r.t. δ and the block-1 down-projection, against HF autograd.
/// </summary>
public class HfFixtureBackwardTests
{
    public static TheoryData<string> Architectures => HfFixtureForwardTests.Architectures;

    [SkippableTheory]
    [MemberData(nameof(Architectures))]
    public void LossAndGradientsWithDeltaMatchHf(string arch) => Check(arch, withDelta: true);

    [SkippableTheory]
    [MemberData(nameof(Architectures))]
    public void LossAndWeightGradientWithoutDeltaMatchHf(string arch) => Check(arch, withDelta: false);

    private static void Check(string arch, bool withDelta)
    {
        using var reference = new HfReference(arch);
        using var model = Transformer.Load(reference.Directory);
        var batch = TokenBatch.RightPadded(reference.Sequences);
        var logitRows = new[] { batch.Row(0, 3), batch.Row(0, 4), batch.Row(0, 5) };
        var targets = new[] { 4, 5, 6 }.Select(p => reference.Sequences[0][p]).ToArray();
        var interventions = withDelta
            ? new[] { new Intervention(1, ActivationSite.MlpOutput, [batch.Row(0, 3)], reference.Float("delta")) }
            : [];
        var result = model.Forward(batch, new ForwardOptions { LogitRows = logitRows, Interventions = interventions, KeepForBackward = true });
        var (loss, dLogits) = ReferenceLoss.MeanNll(result.Logits, targets, model.Spec.VocabSize);
        var down = model.Blocks[1].Down.Weight;
        var gradients = model.Backward(result, dLogits, [down]);

        var suffix = withDelta ? "" : "_nodelta";
        var expectedLoss = reference.Float("loss" + suffix)[0];
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * Math.Abs(expectedLoss), $"{arch} loss{suffix}: expected {expectedLoss}, got {loss}");
        Tolerance.AssertClose(reference.Float("grad_down_proj_weight" + suffix), gradients[down], $"{arch} dLoss/dW_down{suffix}");
        if (withDelta) Tolerance.AssertClose(reference.Float("grad_delta"), gradients.Interventions[0], $"{arch} dLoss/dδ");
    }
}
