using Emend.Models.Generation;
using Emend.Models.Runtime;

namespace Emend.Models.Tests.Runtime;

/// <summary>
/// Every parameter kind of every architecture, and both intervention sites, against central finite differences of
/// the loss L = Σ c·logits (random c, so every logit matters) on a tiny random model with a padded batch.
/// </summary>
public class GradientCheckTests
{
    public static TheoryData<string> Architectures => TinySpecs.Names;

    [Theory]
    [MemberData(nameof(Architectures))]
    public void EveryParameterGradientMatchesFiniteDifferences(string arch)
    {
        using var model = RandomModel(arch);
        var (batch, rows, coefficients) = Problem(model);
        var forward = model.Forward(batch, new ForwardOptions { LogitRows = rows, KeepForBackward = true });
        var gradients = model.Backward(forward, coefficients, model.Parameters);
        foreach (var parameter in model.Parameters)
        {
            var values = parameter.Values;
            foreach (var index in SampleIndices(values.Length))
            {
                var numeric = FiniteDifference(() => Loss(model, batch, rows, coefficients, []), values, index);
                AssertGradient(numeric, gradients[parameter][index], $"{arch} {parameter.Name}[{index}]");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void InterventionGradientsMatchFiniteDifferences(string arch)
    {
        using var model = RandomModel(arch);
        var (batch, rows, coefficients) = Problem(model);
        var random = new SeededRandom(7);
        Intervention Make(int layer, ActivationSite site) =>
            new(layer, site, [batch.Row(0, 1), batch.Row(1, 2)], Enumerable.Range(0, model.Spec.HiddenSize).Select(_ => (float)random.NextGaussian()).ToArray());
        Intervention[] interventions = [Make(0, ActivationSite.MlpOutput), Make(1, ActivationSite.BlockOutput)];
        var forward = model.Forward(batch, new ForwardOptions { LogitRows = rows, Interventions = interventions, KeepForBackward = true });
        var gradients = model.Backward(forward, coefficients);
        for (var i = 0; i < interventions.Length; i++)
            for (var j = 0; j < model.Spec.HiddenSize; j++)
            {
                var numeric = FiniteDifference(() => Loss(model, batch, rows, coefficients, interventions), interventions[i].Vector, j);
                AssertGradient(numeric, gradients.Interventions[i][j], $"{arch} δ{i}[{j}]");
            }
    }

    private static Transformer RandomModel(string arch)
    {
        var model = Transformer.Initialize(TinySpecs.Get(arch), seed: 3, standardDeviation: 0.5);
        var random = new SeededRandom(11);
        foreach (var p in model.Parameters.Where(p => p.IsVector))
        {
            var values = p.Values;
            for (var i = 0; i < values.Length; i++) values[i] += (float)(0.2 * random.NextGaussian());
        }
        return model;
    }

    private static (TokenBatch Batch, int[] Rows, float[] Coefficients) Problem(Transformer model)
    {
        var batch = TokenBatch.RightPadded([[3, 1, 4, 1, 5], [9, 2, 6]]);
        int[] rows = [batch.Row(0, 2), batch.Row(0, 4), batch.Row(1, 0), batch.Row(1, 2)];
        var random = new SeededRandom(5);
        var coefficients = Enumerable.Range(0, rows.Length * model.Spec.VocabSize).Select(_ => (float)random.NextGaussian()).ToArray();
        return (batch, rows, coefficients);
    }

    private static double Loss(Transformer model, TokenBatch batch, int[] rows, float[] coefficients, Intervention[] interventions)
    {
        var logits = model.Forward(batch, new ForwardOptions { LogitRows = rows, Interventions = interventions }).Logits;
        double sum = 0;
        for (var i = 0; i < logits.Length; i++) sum += (double)coefficients[i] * logits[i];
        return sum;
    }

    private static double FiniteDifference(Func<double> loss, float[] values, int index)
    {
        const float step = 2e-3f;
        var original = values[index];
        values[index] = original + step;
        var plus = loss();
        values[index] = original - step;
        var minus = loss();
        values[index] = original;
        return (plus - minus) / (2 * step);
    }

    private static void AssertGradient(double numeric, float analytic, string what) =>
        Assert.True(Math.Abs(numeric - analytic) <= 2e-3 * Math.Max(1, Math.Abs(numeric)), $"{what}: finite difference {numeric}, backward {analytic}");

    /// <summary>A few spread-out entries of each tensor (all of a small one) keep the test fast but cover every kind.</summary>
    private static IEnumerable<int> SampleIndices(int length) =>
        length <= 8 ? Enumerable.Range(0, length) : Enumerable.Range(0, 8).Select(i => (int)((long)i * 7919 % length));
}
