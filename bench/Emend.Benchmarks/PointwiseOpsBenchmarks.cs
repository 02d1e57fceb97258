using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Emend.Numerics;

namespace Emend.Benchmarks;

/// <summary>
/// The row and elementwise ops on transformer-sized activations: [512, 768] (GPT-2 small hidden states, and an
/// attention-sized softmax) and [32, 50257] (a vocabulary-wide batch). Each category has a plain scalar loop as its
/// baseline, so the ratio column says what the SIMD lanes buy on this machine.
/// Run: <c>dotnet run -c Release --project bench/Emend.Benchmarks -- --filter *PointwiseOps* --job short</c>.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PointwiseOpsBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];
    private float[] _dy = [];
    private float[] _weight = [];
    private float[] _bias = [];
    private float[] _mean = [];
    private float[] _rstd = [];
    private float[] _dWeight = [];
    private float[] _dBias = [];
    private int[] _targets = [];
    private float[] _losses = [];
    private float[] _dLoss = [];

    [Params("512x768", "32x50257")]
    public string Shape { get; set; } = "512x768";

    private int Rows => int.Parse(Shape.Split('x')[0]);

    private int Dim => int.Parse(Shape.Split('x')[1]);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        float[] Fill(int count, float scale) => Enumerable.Range(0, count).Select(_ => scale * (float)(random.NextDouble() - 0.5)).ToArray();
        _x = Fill(Rows * Dim, 8);
        _dy = Fill(Rows * Dim, 1);
        _y = new float[Rows * Dim];
        _weight = Fill(Dim, 0.2f).Select(w => w + 1).ToArray();
        _bias = Fill(Dim, 0.2f);
        _mean = new float[Rows];
        _rstd = new float[Rows];
        _dWeight = new float[Dim];
        _dBias = new float[Dim];
        _targets = Enumerable.Range(0, Rows).Select(r => (r * 7919) % Dim).ToArray();
        _losses = new float[Rows];
        _dLoss = Enumerable.Repeat(1f / Rows, Rows).ToArray();
        LayerNorm.Forward(_x, _weight, _bias, _y, _mean, _rstd, Dim, 1e-5f);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("LayerNorm forward")]
    public void LayerNormForwardScalar()
    {
        var dim = Dim;
        for (var r = 0; r < Rows; r++)
        {
            var row = _x.AsSpan(r * dim, dim);
            double sum = 0, squares = 0;
            foreach (var v in row)
                sum += v;
            var mean = sum / dim;
            foreach (var v in row)
                squares += (v - mean) * (v - mean);
            var rstd = (float)(1 / Math.Sqrt(squares / dim + 1e-5));
            for (var j = 0; j < dim; j++)
                _y[r * dim + j] = (row[j] - (float)mean) * rstd * _weight[j] + _bias[j];
        }
    }

    [Benchmark, BenchmarkCategory("LayerNorm forward")]
    public void LayerNormForward() => LayerNorm.Forward(_x, _weight, _bias, _y, _mean, _rstd, Dim, 1e-5f);

    [Benchmark, BenchmarkCategory("LayerNorm backward")]
    public void LayerNormBackward() => LayerNorm.Backward(_dy, _x, _weight, _mean, _rstd, _y, _dWeight, _dBias, Dim);

    [Benchmark(Baseline = true), BenchmarkCategory("Softmax forward")]
    public void SoftmaxForwardScalar()
    {
        var dim = Dim;
        for (var r = 0; r < Rows; r++)
        {
            var row = _x.AsSpan(r * dim, dim);
            var output = _y.AsSpan(r * dim, dim);
            var max = float.NegativeInfinity;
            foreach (var v in row)
                max = Math.Max(max, v);
            double sum = 0;
            for (var j = 0; j < dim; j++)
                sum += output[j] = MathF.Exp(row[j] - max);
            var scale = (float)(1 / sum);
            for (var j = 0; j < dim; j++)
                output[j] *= scale;
        }
    }

    [Benchmark, BenchmarkCategory("Softmax forward")]
    public void SoftmaxForward() => Softmax.Forward(_x, _y, Dim);

    [Benchmark, BenchmarkCategory("Softmax backward")]
    public void SoftmaxBackward() => Softmax.Backward(_dy, _x, _y, Dim);

    [Benchmark, BenchmarkCategory("Cross-entropy")]
    public void CrossEntropyForwardAndBackward()
    {
        CrossEntropy.Forward(_x, _targets, _losses, Dim);
        CrossEntropy.Backward(_x, _targets, _dLoss, _y, Dim);
    }

    [Benchmark, BenchmarkCategory("GELU")]
    public void GeluTanhForward() => Gelu.Forward(_x, _y, GeluKind.Tanh);

    [Benchmark, BenchmarkCategory("GELU")]
    public void GeluErfForward() => Gelu.Forward(_x, _y, GeluKind.Erf);

    [Benchmark, BenchmarkCategory("GELU")]
    public void GeluTanhBackward() => Gelu.Backward(_dy, _x, _y, GeluKind.Tanh);
}
