using Emend.Numerics;
using Emend.Numerics.Tests.Attention;

namespace Emend.Numerics.Tests.Rotary;

public class RotaryEmbeddingTests
{
    private const int Heads = 3;

    private static int[] Positions(int rows, int maxPosition, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => random.Next(maxPosition + 1)).ToArray();
    }

    public static TheoryData<RotaryLayout, int, int, double> Configurations => new()
    {
        { RotaryLayout.HalfSplit, 16, 16, 10000 },
        { RotaryLayout.HalfSplit, 16, 4, 10000 },
        { RotaryLayout.Interleaved, 16, 8, 10000 },
        { RotaryLayout.HalfSplit, 64, 64, 10000 },
        { RotaryLayout.HalfSplit, 128, 24, 1000000 },
        { RotaryLayout.HalfSplit, 80, 80, 500000 },
        { RotaryLayout.Interleaved, 64, 64, 10000 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void SmallPositionsMatchExactFloat64Rotation(RotaryLayout layout, int headDim, int rotaryDim, double theta)
    {
        var positions = Positions(12, 20, headDim + rotaryDim);
        var x = TestArrays.Uniform(positions.Length * Heads * headDim, rotaryDim);
        var expected = RotaryReference.Rotate(TestArrays.Widen(x), positions, Heads, headDim, rotaryDim, theta, layout, hfAngles: false);

        new RotaryEmbedding(headDim, rotaryDim, theta, layout).Apply(x, positions, Heads);

        TestArrays.AssertClose(expected, x);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void LargePositionsMatchHfFloat32Angles(RotaryLayout layout, int headDim, int rotaryDim, double theta)
    {
        var positions = Positions(40, 4096, headDim * rotaryDim).Append(4096).ToArray();
        var x = TestArrays.Uniform(positions.Length * Heads * headDim, rotaryDim + 1);
        var hf = RotaryReference.Rotate(TestArrays.Widen(x), positions, Heads, headDim, rotaryDim, theta, layout, hfAngles: true);

        new RotaryEmbedding(headDim, rotaryDim, theta, layout).Apply(x, positions, Heads);

        TestArrays.AssertClose(hf, x);
    }

    [Fact]
    public void LargePositionsFollowHfRoundingRatherThanExactAngles()
    {
        int[] positions = [4000, 4096];
        var x = TestArrays.Uniform(2 * 16, 3);
        var exact = RotaryReference.Rotate(TestArrays.Widen(x), positions, 1, 16, 16, 10000, RotaryLayout.HalfSplit, hfAngles: false);

        new RotaryEmbedding(16, 16, 10000, RotaryLayout.HalfSplit).Apply(x, positions, heads: 1);

        var disagreement = exact.Select((e, i) => Math.Abs(e - x[i])).Max();
        Assert.True(disagreement > 1e-5, $"exact angles should differ from HF's float32 ones at position 4096 (max {disagreement:E2})");
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void ApplyThenBackwardIsIdentity(RotaryLayout layout, int headDim, int rotaryDim, double theta)
    {
        var positions = Positions(16, 4096, 7);
        var original = TestArrays.Uniform(positions.Length * Heads * headDim, 8);
        var x = (float[])original.Clone();
        var rope = new RotaryEmbedding(headDim, rotaryDim, theta, layout);

        rope.Apply(x, positions, Heads);
        rope.ApplyBackward(x, positions, Heads);

        TestArrays.AssertClose(TestArrays.Widen(original), x);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void BackwardMatchesFiniteDifferences(RotaryLayout layout, int headDim, int rotaryDim, double theta)
    {
        const double step = 1e-5;
        var positions = Positions(4, 4096, 9);
        var x = TestArrays.Widen(TestArrays.Uniform(positions.Length * Heads * headDim, 10));
        var upstream = TestArrays.Uniform(x.Length, 11);
        double Loss()
        {
            var y = RotaryReference.Rotate(x, positions, Heads, headDim, rotaryDim, theta, layout, hfAngles: true);
            return y.Select((value, i) => value * upstream[i]).Sum();
        }
        var expected = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var saved = x[i];
            x[i] = saved + step;
            var up = Loss();
            x[i] = saved - step;
            var down = Loss();
            x[i] = saved;
            expected[i] = (up - down) / (2 * step);
        }

        var gradient = (float[])upstream.Clone();
        new RotaryEmbedding(headDim, rotaryDim, theta, layout).ApplyBackward(gradient, positions, Heads);

        TestArrays.AssertClose(expected, gradient);
    }

    [Fact]
    public void GptNeoxQuarterRotaryPairsDimsZeroTwoAndOneThree()
    {
        var rope = new RotaryEmbedding(16, 4, 10000, RotaryLayout.HalfSplit);
        Assert.Equal([1f, 0.01f], rope.InverseFrequencies.ToArray());

        var x = new float[2 * 16];
        x[0] = 1;
        x[16 + 1] = 1;
        rope.Apply(x, [3, 3], heads: 1);

        AssertUnitRotation(x.AsSpan(0, 16), (0, Math.Cos(3)), (2, Math.Sin(3)));
        AssertUnitRotation(x.AsSpan(16, 16), (1, Math.Cos(0.03)), (3, Math.Sin(0.03)));
    }

    [Fact]
    public void GptJInterleavedRotaryPairsNeighbours()
    {
        var rope = new RotaryEmbedding(16, 8, 10000, RotaryLayout.Interleaved);
        Assert.Equal([1f, 0.1f, 0.01f, 0.001f], rope.InverseFrequencies.ToArray());

        var x = new float[2 * 16];
        x[2] = 1;
        x[16 + 9] = 1;
        rope.Apply(x, [5, 5], heads: 1);

        AssertUnitRotation(x.AsSpan(0, 16), (2, Math.Cos(0.5)), (3, Math.Sin(0.5)));
        AssertUnitRotation(x.AsSpan(16, 16), (9, 1));
    }

    [Fact]
    public void LlamaRotateHalfPairsDimWithDimPlusHalf()
    {
        var rope = new RotaryEmbedding(16, 16, 10000, RotaryLayout.HalfSplit);
        for (var j = 0; j < 8; j++)
            Assert.Equal(1 / Math.Pow(10000, j / 8.0), rope.InverseFrequencies[j], 1e-7);

        var x = new float[16];
        x[9] = 1;
        rope.Apply(x, [2], heads: 1);

        var angle = 2 / Math.Pow(10000, 1 / 8.0);
        AssertUnitRotation(x, (1, -Math.Sin(angle)), (9, Math.Cos(angle)));
    }

    [Fact]
    public void ConcurrentCallsGrowingTheTableAgreeWithSequentialOnes()
    {
        var positions = Enumerable.Range(0, 64).Select(i => i * 73).ToArray();
        var inputs = positions.Select((_, i) => TestArrays.Uniform(2 * 64, 200 + i)).ToArray();
        var sequential = new RotaryEmbedding(64, 64, 10000, RotaryLayout.HalfSplit);
        var expected = inputs.Select((x, i) =>
        {
            var y = (float[])x.Clone();
            sequential.Apply(y, [positions[i]], heads: 2);
            return y;
        }).ToArray();

        var shared = new RotaryEmbedding(64, 64, 10000, RotaryLayout.HalfSplit);
        var actual = inputs.Select(x => (float[])x.Clone()).ToArray();
        Parallel.For(0, positions.Length, i => shared.Apply(actual[i], [positions[i]], heads: 2));

        for (var i = 0; i < positions.Length; i++) Assert.Equal(expected[i], actual[i]);
    }

    [Theory]
    [InlineData(16, 5)]
    [InlineData(16, 18)]
    [InlineData(16, 0)]
    public void InvalidRotaryDimIsRejected(int headDim, int rotaryDim)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RotaryEmbedding(headDim, rotaryDim, 10000, RotaryLayout.HalfSplit));
        Assert.Equal("rotaryDim", error.ParamName);
    }

    [Fact]
    public void BadRowsAreRejectedByName()
    {
        var rope = new RotaryEmbedding(8, 8, 10000, RotaryLayout.HalfSplit);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => rope.Apply(new float[15], [0, 1], heads: 1)).ParamName);
        Assert.Equal("positions", Assert.Throws<ArgumentOutOfRangeException>(() => rope.Apply(new float[16], [0, -1], heads: 1)).ParamName);
    }

    /// <summary>Asserts that only the listed dims are non-zero, with the listed values (to float32 accuracy).</summary>
    private static void AssertUnitRotation(ReadOnlySpan<float> head, params (int Dim, double Value)[] nonZero)
    {
        for (var d = 0; d < head.Length; d++)
        {
            var expected = nonZero.FirstOrDefault(e => e.Dim == d).Value;
            Assert.True(Math.Abs(head[d] - expected) <= 1e-7, $"dim {d}: expected {expected:R}, got {head[d]:R}");
        }
    }
}
